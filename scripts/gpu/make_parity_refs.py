"""Parity references for `rlvr model score`: random tiny MiniMax models made and run by transformers.

Run on the GPU machine (transformers 5.x, torch 2.11). For each config below it saves the model with
`save_pretrained` into OUT/<name>/, writes OUT/<name>/inputs.json ({"input_ids": [[...], ...]}) and
OUT/<name>/reference.json ({"logits": [...]}, fp32, computed by transformers on CPU in fp32).
`scripts/gpu/parity.sh` then scores the same inputs with our binary and compares.
"""
import json
import os
import sys

import torch
from transformers import MiniMaxConfig, MiniMaxForCausalLM

CONFIGS = {
    # 4 layers, alternating lightning/softmax (transformers' default pattern), tiny blocks.
    "l4_alt_b4": dict(num_hidden_layers=4, block_size=4, layer_types=None),
    # 8 layers: 7 lightning + 1 softmax, as MiniMax-M1.
    "l8_7l1f_b8": dict(num_hidden_layers=8, block_size=8,
                        layer_types=["linear_attention"] * 7 + ["full_attention"]),
    # 8 layers, block size 2 (many blocks), GQA 4:2.
    "l8_7l1f_b2": dict(num_hidden_layers=8, block_size=2, num_key_value_heads=2,
                        layer_types=["linear_attention"] * 7 + ["full_attention"]),
}


def main(out):
    torch.manual_seed(0)
    for name, extra in CONFIGS.items():
        kw = dict(vocab_size=128, hidden_size=64, intermediate_size=96, num_attention_heads=4,
                  num_key_value_heads=4, head_dim=16, num_local_experts=4, num_experts_per_tok=2,
                  max_position_embeddings=256, rms_norm_eps=1e-5)
        kw.update({k: v for k, v in extra.items() if v is not None})
        if kw.get("layer_types") is None:
            kw.pop("layer_types", None)
        cfg = MiniMaxConfig(**kw)
        model = MiniMaxForCausalLM(cfg).float().eval()
        d = os.path.join(out, name)
        model.save_pretrained(d)
        g = torch.Generator().manual_seed(1)
        ids = torch.randint(0, cfg.vocab_size, (2, 19), generator=g)
        with torch.no_grad():
            logits = model(input_ids=ids).logits.float()
        json.dump({"input_ids": ids.tolist()}, open(os.path.join(d, "inputs.json"), "w"))
        json.dump({"logits": logits.tolist()}, open(os.path.join(d, "reference.json"), "w"))
        print(name, "layer_types", cfg.layer_types, "logits", tuple(logits.shape))


if __name__ == "__main__":
    main(sys.argv[1])
