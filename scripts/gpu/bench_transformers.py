"""The anchor side of `scripts/gpu/bench.sh`: transformers' MiniMax on the `bench` preset, timed the way
`rlvr model bench` times ours, so the two run back to back on the same card.

Preset `bench` (trainer/src/model/config.rs): hidden 768, 12 layers LLLLLLLFLLLL, 12 heads of 64, 4 KV
heads, 8 experts top-2, intermediate 1536, vocab 32000, block 256; bf16, random weights.
- train: forward, backward and AdamW on batch x seq_len random tokens; tokens/s over `steps` timed steps
  after 2 warm-up steps.
- generate: batch prompts of prompt_len random tokens, new_tokens greedy tokens with the cache
  (`min_new_tokens` forces the full length); tokens/s = batch * new_tokens / wall.
Prints one JSON line per measurement.
"""
import argparse
import json
import time

import torch
from transformers import MiniMaxConfig, MiniMaxForCausalLM


def bench_config():
    layer_types = ["linear_attention"] * 7 + ["full_attention"] + ["linear_attention"] * 4
    return MiniMaxConfig(
        vocab_size=32000, hidden_size=768, intermediate_size=1536, num_hidden_layers=12,
        num_attention_heads=12, num_key_value_heads=4, head_dim=64, num_local_experts=8,
        num_experts_per_tok=2, block_size=256, layer_types=layer_types,
        max_position_embeddings=8192, tie_word_embeddings=False,
    )


def train(model, batch, seq_len, steps):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), eps=1e-15)
    ids = torch.randint(0, model.config.vocab_size, (batch, seq_len), device="cuda")

    def step():
        out = model(input_ids=ids, labels=ids)
        out.loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(2):
        step()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    wall = time.perf_counter() - t0
    return {"tokens_per_s": batch * seq_len * steps / wall, "step_s": wall / steps}


@torch.no_grad()
def generate(model, batch, prompt_len, new_tokens):
    ids = torch.randint(0, model.config.vocab_size, (batch, prompt_len), device="cuda")
    kw = dict(max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False, use_cache=True,
              pad_token_id=0)
    model.generate(input_ids=ids, **dict(kw, max_new_tokens=8, min_new_tokens=8))  # warm-up
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    out = model.generate(input_ids=ids, **kw)
    torch.cuda.synchronize()
    wall = time.perf_counter() - t0
    made = (out.shape[1] - prompt_len) * batch
    return {"tokens_per_s": made / wall, "wall_s": wall, "new_tokens": made}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--what", choices=["train", "generate"], required=True)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq-len", type=int, default=2048)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--prompt-len", type=int, default=128)
    ap.add_argument("--new-tokens", type=int, default=256)
    a = ap.parse_args()
    torch.manual_seed(0)
    model = MiniMaxForCausalLM(bench_config()).to("cuda", torch.bfloat16)
    params = sum(p.numel() for p in model.parameters())
    if a.what == "train":
        model.train()
        report = train(model, a.batch, a.seq_len, a.steps)
    else:
        model.eval()
        report = generate(model, a.batch, a.prompt_len, a.new_tokens)
    print(json.dumps({"bench": a.what, "impl": "transformers", "card": torch.cuda.get_device_name(0),
                      "parameters": params, "args": vars(a), "report": report}))


if __name__ == "__main__":
    main()
