// CUDA graphs for rlvr's decode loop.
//
// tch exposes neither torch's current stream nor `at::cuda::CUDAGraph`, and a decode step of a small
// model is bound by kernel launches, so replaying one captured graph per token is the largest speed-up
// left. This file is compiled against libtorch's headers only (build.rs); its symbols resolve at load
// time against the `libtorch_cuda.so` that `rlvr_kernels::cuda_runtime::preload_cuda` put in the
// global namespace, so the `rlvr` binary still starts on machines without CUDA.
//
// Every entry point returns 0 on success, or 1 after writing a NUL-terminated message into `err`:
// C++ exceptions never cross into Rust.
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAStream.h>

#include <cstring>
#include <exception>
#include <optional>

namespace {

struct Graph {
  explicit Graph(c10::DeviceIndex device)
      : side(c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device)) {}
  at::cuda::CUDAGraph graph;
  c10::cuda::CUDAStream side;
  std::optional<c10::cuda::CUDAStream> previous;
};

template <typename F>
int guarded(char* err, size_t len, F&& body) {
  try {
    body();
    return 0;
  } catch (const std::exception& e) {
    if (len > 0) {
      std::strncpy(err, e.what(), len - 1);
      err[len - 1] = '\0';
    }
  } catch (...) {
    if (len > 0) {
      std::strncpy(err, "unknown C++ exception", len - 1);
      err[len - 1] = '\0';
    }
  }
  return 1;
}

// Work queued on one stream is finished before the next stream starts: both switches happen once per
// generation call, so a device-wide synchronisation is simpler than events and costs nothing measurable.
void switch_to(c10::cuda::CUDAStream stream) {
  c10::cuda::device_synchronize();
  c10::cuda::setCurrentCUDAStream(stream);
}

}  // namespace

extern "C" {

int rlvr_graph_new(int device, void** out, char* err, size_t len) {
  return guarded(err, len, [&] { *out = new Graph(static_cast<c10::DeviceIndex>(device)); });
}

void rlvr_graph_free(void* g) { delete static_cast<Graph*>(g); }

// Makes the graph's side stream current (torch refuses to capture on the default stream); work run
// there before the capture warms up lazily created handles and workspaces outside it.
int rlvr_graph_enter(void* g, char* err, size_t len) {
  return guarded(err, len, [&] {
    auto* graph = static_cast<Graph*>(g);
    graph->previous = c10::cuda::getCurrentCUDAStream(graph->side.device_index());
    switch_to(graph->side);
  });
}

// Back to the stream that was current before `rlvr_graph_enter`.
int rlvr_graph_exit(void* g, char* err, size_t len) {
  return guarded(err, len, [&] {
    auto* graph = static_cast<Graph*>(g);
    if (graph->previous) {
      switch_to(*graph->previous);
      graph->previous.reset();
    }
  });
}

// Between begin and end, torch ops on the current (side) stream are recorded, not run.
int rlvr_graph_capture_begin(void* g, char* err, size_t len) {
  return guarded(err, len, [&] { static_cast<Graph*>(g)->graph.capture_begin(); });
}

int rlvr_graph_capture_end(void* g, char* err, size_t len) {
  return guarded(err, len, [&] { static_cast<Graph*>(g)->graph.capture_end(); });
}

// Runs the recorded kernels again, on the current stream, over the same memory.
int rlvr_graph_replay(void* g, char* err, size_t len) {
  return guarded(err, len, [&] { static_cast<Graph*>(g)->graph.replay(); });
}

}  // extern "C"
