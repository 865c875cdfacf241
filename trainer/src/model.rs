//! The MiniMax-M1 hybrid model: config, layers, checkpoints, generation.
