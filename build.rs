//! Bakes libtorch's lib dir into the `rlvr` binary's rpath, so it runs with no environment variables.
//! tch's own link flags do not reach downstream binaries, hence this script (see ARCHITECTURE.md).
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
        // Keep libtorch_cpu in DT_NEEDED even if rustc's --as-needed would drop it.
        println!("cargo:rustc-link-arg=-Wl,--no-as-needed,-ltorch_cpu,-lc10,--as-needed");
    }
}
