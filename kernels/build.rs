//! Bakes libtorch's lib dir into the rpath of this crate's test binaries (tch's flags do not reach
//! them), and compiles the CUDA-graph shim (`cuda/graph_shim.cpp`) into a shared library that
//! `cuda_graph.rs` embeds. The shim needs only headers: libtorch's, plus the CUDA runtime headers
//! that `scripts/setup-libtorch.sh` unpacks beside them. Without them (or without a C++ compiler)
//! the embedded library is empty and decoding runs eagerly; that is a warning, not an error.
use std::path::{Path, PathBuf};
use std::process::Command;

const SHIM: &str = "cuda/graph_shim.cpp";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={SHIM}");
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let so = out.join("librlvr_cuda_graph.so");
    if let Err(why) = build_shim(&so) {
        println!("cargo:warning=CUDA graphs disabled: {why}");
        std::fs::write(&so, b"").expect("OUT_DIR is writable");
    }
}

fn build_shim(so: &Path) -> Result<(), String> {
    let include =
        torch_include().ok_or("libtorch's include dir not found (DEP_TCH_LIBTORCH_LIB)")?;
    // .libtorch/torch/include -> .libtorch/nvidia/cu13/include
    let cuda = include.join("../../nvidia/cu13/include");
    println!(
        "cargo:rerun-if-changed={}",
        cuda.join("cuda_runtime_api.h").display()
    );
    if !cuda.join("crt/host_config.h").is_file() {
        return Err(format!(
            "no CUDA runtime headers in {} (run scripts/setup-libtorch.sh)",
            cuda.display()
        ));
    }
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".into());
    let status = Command::new(&cxx)
        .args(["-std=c++17", "-O2", "-fPIC", "-shared", "-w"])
        .args(["-D_GLIBCXX_USE_CXX11_ABI=1", "-DGLOG_USE_GLOG_EXPORT"])
        .arg(format!("-I{}", include.display()))
        .arg(format!(
            "-I{}",
            include.join("torch/csrc/api/include").display()
        ))
        .arg(format!("-I{}", cuda.display()))
        .arg(SHIM)
        .arg("-o")
        .arg(so)
        .status()
        .map_err(|e| format!("cannot run {cxx}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cxx} failed on {SHIM} ({status})"))
    }
}

/// `$LIBTORCH/include`, from the lib dir torch-sys reports.
fn torch_include() -> Option<PathBuf> {
    let lib = PathBuf::from(std::env::var("DEP_TCH_LIBTORCH_LIB").ok()?);
    let include = lib.parent()?.join("include");
    include
        .join("ATen/cuda/CUDAGraph.h")
        .is_file()
        .then_some(include)
}
