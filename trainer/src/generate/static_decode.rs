//! The fixed-shape decode loop: every step runs the same kernels on the same memory (the batch never
//! shrinks; finished rows keep decoding padding that nobody reads), so on CUDA the step is captured
//! once as a graph and replayed, one launch per token instead of hundreds.
//!
//! The first step runs op by op on the graph's side stream (warming up handles and workspaces), then
//! the second step is captured, which records it without running it; every later step is a replay.

use rlvr_kernels::cuda_graph::CudaGraph;
use tch::{Device, Kind, Tensor};

use crate::model::{MiniMaxForCausalLM, ModelCache, ModelError};

pub(super) struct StaticDecoder {
    /// `[b, 1]` i64: the tokens to feed; the only input written between steps.
    tokens: Tensor,
    /// `[b, 1]` i64 and `[1]` i64, advanced in place by each step (see `decode_static`).
    positions: Tensor,
    at: Tensor,
    graph: Graph,
}

enum Graph {
    /// Op by op (CPU, or to check what a graph replays).
    Off,
    /// On CUDA, before the first step. With `fallback`, a failed capture leaves the decoder op by
    /// op (with a warning) instead of failing the generation.
    Pending { device: usize, fallback: bool },
    /// Captured: `logits` is overwritten by every replay.
    Ready { graph: CudaGraph, logits: Tensor },
}

impl StaticDecoder {
    /// `positions`: the position of each row's first decoded token; `at`: the cache index it goes to.
    /// `graph`: capture the step on CUDA; `Some(true)` falls back to op by op if capture fails.
    pub(super) fn new(
        batch: i64,
        positions: &[i64],
        at: i64,
        device: Device,
        graph: Option<bool>,
    ) -> Self {
        let graph = match (device, graph) {
            (Device::Cuda(index), Some(fallback)) => Graph::Pending {
                device: index,
                fallback,
            },
            _ => Graph::Off,
        };
        StaticDecoder {
            tokens: Tensor::zeros([batch, 1], (Kind::Int64, device)),
            positions: Tensor::from_slice(positions)
                .view([batch, 1])
                .to_device(device),
            at: Tensor::from_slice(&[at]).to_device(device),
            graph,
        }
    }

    /// Feeds `tokens: [b]` and returns the logits `[b, vocab]` of the next token (valid until the
    /// next call).
    pub(super) fn step(
        &mut self,
        model: &MiniMaxForCausalLM,
        tokens: &Tensor,
        cache: &mut ModelCache,
    ) -> Result<Tensor, ModelError> {
        self.tokens.copy_(&tokens.view([-1, 1]));
        let logits = match &mut self.graph {
            Graph::Off => model.decode_static(&self.tokens, &self.positions, &self.at, cache),
            Graph::Ready { graph, logits } => {
                graph.replay()?;
                logits.shallow_clone()
            }
            Graph::Pending { device, fallback } => {
                let fallback = *fallback;
                let (tokens, positions, at) = (&self.tokens, &self.positions, &self.at);
                let step =
                    |cache: &mut ModelCache| model.decode_static(tokens, positions, at, cache);
                match CudaGraph::new(*device) {
                    Ok(mut graph) => {
                        // This step runs for real; the capture below only records the next one.
                        let now = graph.warm_up(|| step(cache))?;
                        self.graph = match graph.capture(|| step(cache)) {
                            Ok(logits) => Graph::Ready { graph, logits },
                            Err(e) if fallback => {
                                tracing::warn!("decoding op by op: {e}");
                                Graph::Off
                            }
                            Err(e) => return Err(e.into()),
                        };
                        now
                    }
                    Err(e) if fallback => {
                        tracing::warn!("decoding op by op: {e}");
                        self.graph = Graph::Off;
                        step(cache)
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };
        cache.len += 1;
        Ok(logits)
    }
}
