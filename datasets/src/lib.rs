//! rlvr-datasets: typed records and the file formats Hugging Face datasets publish.
