//! CUDA graphs: record a sequence of torch ops once, then replay it with one launch.
//!
//! A decode step of a small model is a few hundred tiny kernels, so the CPU time spent launching
//! them, not the GPU, sets the speed. tch has no binding for `at::cuda::CUDAGraph` or for torch's
//! current stream, so a small C++ shim (`cuda/graph_shim.cpp`, compiled by build.rs against
//! libtorch's headers and embedded in the binary) provides them. It is written to a temporary file
//! and loaded on first use; its symbols resolve against the `libtorch_cuda.so` that
//! [`crate::cuda_runtime::preload_cuda`] loaded, so machines without CUDA never load it.
//!
//! The usual rules of graph capture apply to the closure given to [`CudaGraph::capture`]: no host
//! synchronisation (`.item()`, copies to the CPU), shapes fixed, inputs read from and outputs written
//! to tensors that outlive the graph; a replay runs the same kernels on the same memory.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::io::Write;
use std::sync::OnceLock;

use thiserror::Error;

/// The shim, compiled by build.rs (empty when the headers or a compiler were missing).
static SHIM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/librlvr_cuda_graph.so"));

#[derive(Debug, Error)]
pub enum GraphError {
    #[error("CUDA graphs are unavailable: {0}")]
    Unavailable(String),
    #[error("CUDA graph {op} failed: {message}")]
    Op { op: &'static str, message: String },
}

type Status = c_int;
type Call = unsafe extern "C" fn(*mut c_void, *mut c_char, usize) -> Status;
type NewFn = unsafe extern "C" fn(c_int, *mut *mut c_void, *mut c_char, usize) -> Status;
type FreeFn = unsafe extern "C" fn(*mut c_void);

/// The shim's entry points (see `graph_shim.cpp`).
struct Api {
    new: NewFn,
    free: FreeFn,
    enter: Call,
    exit: Call,
    capture_begin: Call,
    capture_end: Call,
    replay: Call,
}

fn api() -> Result<&'static Api, GraphError> {
    static API: OnceLock<Result<Api, String>> = OnceLock::new();
    API.get_or_init(load)
        .as_ref()
        .map_err(|why| GraphError::Unavailable(why.clone()))
}

fn load() -> Result<Api, String> {
    if SHIM.is_empty() {
        return Err("this binary was built without the shim (see kernels/build.rs)".into());
    }
    if !tch::Cuda::is_available() {
        return Err("no CUDA device".into());
    }
    // The shim's undefined symbols live in these; load them globally first (no-ops when loaded).
    for lib in ["libc10_cuda.so", "libtorch_cuda.so"] {
        dlopen(lib, libc::RTLD_NOW | libc::RTLD_GLOBAL)?;
    }
    let mut file = tempfile::Builder::new()
        .prefix("rlvr-cuda-graph-")
        .suffix(".so")
        .tempfile()
        .map_err(|e| format!("temporary file for the shim: {e}"))?;
    file.write_all(SHIM)
        .map_err(|e| format!("writing the shim: {e}"))?;
    // Loaded objects stay mapped after their file is removed, so the file can go at once.
    let path = file.into_temp_path();
    let handle = dlopen(&path.to_string_lossy(), libc::RTLD_NOW | libc::RTLD_LOCAL)?;
    let sym = |name: &str| -> Result<*mut c_void, String> {
        let c = CString::new(name).expect("static symbol name");
        // SAFETY: `handle` is a live handle from dlopen and `c` is NUL-terminated.
        let p = unsafe { libc::dlsym(handle, c.as_ptr()) };
        if p.is_null() {
            Err(format!("the shim lacks {name}"))
        } else {
            Ok(p)
        }
    };
    // SAFETY: each symbol is an `extern "C"` function of `graph_shim.cpp` with exactly this signature.
    unsafe {
        Ok(Api {
            new: std::mem::transmute::<*mut c_void, NewFn>(sym("rlvr_graph_new")?),
            free: std::mem::transmute::<*mut c_void, FreeFn>(sym("rlvr_graph_free")?),
            enter: std::mem::transmute::<*mut c_void, Call>(sym("rlvr_graph_enter")?),
            exit: std::mem::transmute::<*mut c_void, Call>(sym("rlvr_graph_exit")?),
            capture_begin: std::mem::transmute::<*mut c_void, Call>(sym(
                "rlvr_graph_capture_begin",
            )?),
            capture_end: std::mem::transmute::<*mut c_void, Call>(sym("rlvr_graph_capture_end")?),
            replay: std::mem::transmute::<*mut c_void, Call>(sym("rlvr_graph_replay")?),
        })
    }
}

fn dlopen(name: &str, flags: c_int) -> Result<*mut c_void, String> {
    let c = CString::new(name).map_err(|_| format!("bad library path {name}"))?;
    // SAFETY: dlopen with a valid NUL-terminated path; handles are kept for the process's life.
    let handle = unsafe { libc::dlopen(c.as_ptr(), flags) };
    if handle.is_null() {
        // SAFETY: dlerror returns a thread-local NUL-terminated message or null.
        let why = unsafe { libc::dlerror() };
        let why = if why.is_null() {
            "unknown error".into()
        } else {
            // SAFETY: non-null, NUL-terminated, valid until the next dl* call on this thread.
            unsafe { CStr::from_ptr(why) }
                .to_string_lossy()
                .into_owned()
        };
        return Err(format!("cannot load {name}: {why}"));
    }
    Ok(handle)
}

/// Whether [`CudaGraph::new`] can succeed here (a CUDA device and the shim).
pub fn available() -> bool {
    api().is_ok()
}

/// [`available`], with the reason when not.
pub fn ensure_available() -> Result<(), GraphError> {
    api().map(|_| ())
}

/// One captured graph with its own side stream and memory pool (freed on drop).
pub struct CudaGraph {
    api: &'static Api,
    raw: *mut c_void,
    captured: bool,
}

impl CudaGraph {
    /// An empty graph for CUDA device `device`.
    pub fn new(device: usize) -> Result<Self, GraphError> {
        let api = api()?;
        let mut raw = std::ptr::null_mut();
        let device = c_int::try_from(device).map_err(|_| GraphError::Op {
            op: "new",
            message: format!("device index {device} out of range"),
        })?;
        // SAFETY: `raw` is a valid out-pointer; the error buffer is handled by `call`.
        call("new", |err, len| unsafe {
            (api.new)(device, &mut raw, err, len)
        })?;
        Ok(CudaGraph {
            api,
            raw,
            captured: false,
        })
    }

    /// Runs `work` eagerly on the graph's side stream: run the ops once there before capturing them,
    /// so that lazily created handles and workspaces are made outside the capture.
    pub fn warm_up<T>(&mut self, work: impl FnOnce() -> T) -> Result<T, GraphError> {
        self.on_side_stream("warm-up", work)
    }

    /// Records the torch ops `work` issues (they do not run now) and returns what it returned: the
    /// output tensors, which every [`replay`](Self::replay) overwrites in place.
    pub fn capture<T>(&mut self, work: impl FnOnce() -> T) -> Result<T, GraphError> {
        let (api, raw) = (self.api, self.raw);
        let out = self.on_side_stream("capture", || {
            // SAFETY: `raw` is live; the side stream is current.
            call("capture_begin", |e, l| unsafe {
                (api.capture_begin)(raw, e, l)
            })?;
            let out = work();
            // SAFETY: as above; ends the capture begun above.
            call("capture_end", |e, l| unsafe {
                (api.capture_end)(raw, e, l)
            })?;
            Ok(out)
        })??;
        self.captured = true;
        Ok(out)
    }

    /// Runs the captured ops again on torch's current stream.
    pub fn replay(&self) -> Result<(), GraphError> {
        if !self.captured {
            return Err(GraphError::Op {
                op: "replay",
                message: "nothing was captured".into(),
            });
        }
        // SAFETY: `raw` is live and holds a finished capture.
        call("replay", |e, l| unsafe {
            (self.api.replay)(self.raw, e, l)
        })
    }

    fn on_side_stream<T>(
        &mut self,
        op: &'static str,
        work: impl FnOnce() -> T,
    ) -> Result<T, GraphError> {
        let (api, raw) = (self.api, self.raw);
        // SAFETY: `raw` is live.
        call(op, |e, l| unsafe { (api.enter)(raw, e, l) })?;
        let out = work();
        // SAFETY: `raw` is live; restores the stream saved by `enter`.
        call(op, |e, l| unsafe { (api.exit)(raw, e, l) })?;
        Ok(out)
    }
}

impl Drop for CudaGraph {
    fn drop(&mut self) {
        // SAFETY: `raw` came from `rlvr_graph_new` and is freed once.
        unsafe { (self.api.free)(self.raw) }
    }
}

/// Calls a shim entry point with an error buffer, turning a non-zero status into [`GraphError`].
fn call(op: &'static str, f: impl FnOnce(*mut c_char, usize) -> Status) -> Result<(), GraphError> {
    let mut buf = vec![0 as c_char; 2048];
    if f(buf.as_mut_ptr(), buf.len()) == 0 {
        return Ok(());
    }
    // SAFETY: the shim NUL-terminates what it writes; the buffer starts zeroed.
    let message = unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    Err(GraphError::Op { op, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shim_is_built_into_the_binary() {
        // setup-libtorch.sh unpacks the headers it needs; without them build.rs leaves it empty.
        assert!(
            SHIM.starts_with(b"\x7fELF"),
            "the CUDA-graph shim was not compiled"
        );
    }

    #[test]
    fn without_cuda_graphs_are_reported_unavailable() {
        if tch::Cuda::is_available() {
            return;
        }
        assert!(!available());
        let err = CudaGraph::new(0).err().expect("no CUDA here");
        assert!(matches!(err, GraphError::Unavailable(_)), "{err}");
    }
}
