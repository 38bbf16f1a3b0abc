#!/usr/bin/python3
"""The PyTorch reference as a side of the interleaved benchmark (bench/interleave/protocol.ts).

The reference's command line trains and evaluates in one go; the benchmark needs it to
keep its net and data loaded and train a few batches at a time between our turns. This
driver does that with the reference's own pieces (attractor_ref: build_net, complete,
masked_mse, iterate, max_change, the data split), imported as modules from
--ref-dir; the reference itself is not changed. One JSON object per line: a ready line,
then one reply per request read from stdin.

Training follows attractor_ref.completion.train step for step (seeded batches, Adam, the
masked MSE of the bottom half after T iterations, timed with loss.item() included).
Settles follow settle_tracked's stopping rule (every example converged or in a 2-cycle)
on held-out batches, without energies; the loop is written here because settle_tracked
keeps t* on the CPU, which fails on CUDA.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import resource
import sys
import time


def send(reply: dict) -> None:
    def strict(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {k: strict(x) for k, x in v.items()}
        if isinstance(v, list):
            return [strict(x) for x in v]
        return v

    sys.stdout.write(json.dumps(strict(reply), separators=(",", ":")) + "\n")
    sys.stdout.flush()


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--ref-dir", required=True, help="the folder with ref_attractor.py and attractor_ref/")
    p.add_argument("--arch", choices=["dense", "conv"], required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--theta", type=float, default=1e-3)
    p.add_argument("--settle-steps", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


class ReferenceSide:
    def __init__(self, args: argparse.Namespace) -> None:
        import torch

        sys.path.insert(0, args.ref_dir)
        from attractor_ref import completion, layered
        from attractor_ref.data import load_digits, split_digits

        self.torch, self.completion, self.layered = torch, completion, layered
        torch.set_num_threads(args.threads)
        if args.device != "cpu" and not torch.cuda.is_available():
            raise RuntimeError(f"torch sees no {args.device} device")
        self.device = torch.device(args.device)
        self.args = args
        # The reference's defaults for the two completion nets (ref_attractor.py).
        hidden = 256 if args.arch == "dense" else 16
        self.cfg = completion.CompletionConfig(arch=args.arch, hidden=hidden, steps=args.steps, batch_size=args.batch_size,
                                               lr=args.lr, seed=args.seed, theta=args.theta)
        torch.manual_seed(self.cfg.seed)
        self.split = split_digits(load_digits())
        self.net = completion.build_net(self.cfg).to(self.device)
        self.train_images = self.split.train.images.to(self.device)
        self.test_images = self.split.test.images.to(self.device)
        self.clamp_mask = completion.top_half_mask(self.cfg.arch).to(self.device)
        self.target = ~self.clamp_mask
        self.opt = torch.optim.Adam(self.net.parameters(), lr=self.cfg.lr)
        self.batches = self._batch_stream(torch.Generator().manual_seed(self.cfg.seed + 1))
        self.trained = 0
        self.settled = 0

    def _batch_stream(self, gen):
        """completion.batch_indices without an end: successive seeded permutations, partial batches dropped."""
        n, size = self.train_images.shape[0], self.cfg.batch_size
        while True:
            perm = self.torch.randperm(n, generator=gen)
            for i in range(0, n - size + 1, size):
                yield perm[i:i + size]

    def _sync(self) -> None:
        if self.device.type == "cuda":
            self.torch.cuda.synchronize()

    def info(self) -> dict:
        torch = self.torch
        where = torch.cuda.get_device_name(self.device) if self.device.type == "cuda" else f"{torch.get_num_threads()} thread{'s' if torch.get_num_threads() != 1 else ''}"
        return {"detail": f"torch {torch.__version__}, {where}", "batchSize": self.cfg.batch_size, "steps": self.cfg.steps,
                "theta": self.cfg.theta, "threads": torch.get_num_threads(), "device": self.device.type}

    def train(self, batches: int) -> dict:
        c = self.completion
        samples = []
        for _ in range(batches):
            idx = next(self.batches).to(self.device)
            start = time.perf_counter()
            y = c.to_state(self.train_images[idx], self.cfg.arch)
            loss = c.masked_mse(c.complete(self.net, y, self.clamp_mask, self.cfg.steps), y, self.target)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
            value = loss.item()
            self._sync()
            samples.append({"ms": 1e3 * (time.perf_counter() - start), "iterations": self.cfg.steps, "adjointSteps": 0,
                            "reads": None, "loss": value, "tossed": 0})
            self.trained += 1
        return {"samples": samples, "trained": self.trained}

    def settle(self, settles: int) -> dict:
        torch, c, L = self.torch, self.completion, self.layered
        samples = []
        count = self.test_images.shape[0]
        for _ in range(settles):
            gen = torch.Generator().manual_seed(1000 + self.settled)
            self.settled += 1
            idx = torch.randperm(count, generator=gen)[:self.cfg.batch_size].to(self.device)
            start = time.perf_counter()
            with torch.no_grad():
                y = c.to_state(self.test_images[idx], self.cfg.arch)
                iterations, settled = self._settle(y)
            self._sync()
            samples.append({"ms": 1e3 * (time.perf_counter() - start), "iterations": iterations, "reads": None,
                            "settled": settled, "unsettled": y.shape[0] - settled})
        return {"samples": samples}

    def _settle(self, y) -> tuple[int, int]:
        """settle_tracked's loop without energies or snapshots, on any device: (iterations, examples that met theta)."""
        torch, L = self.torch, self.layered
        bound = self.net.bind()
        state = self.net.zero_state(y.shape[0], y)
        state[0] = torch.where(self.clamp_mask, y, state[0])
        clamps = {0: L.Clamp(self.clamp_mask, y)}
        phases = L.schedule_phases("even-odd", len(state))
        converged = torch.zeros(y.shape[0], dtype=torch.bool, device=y.device)
        two_cycle = torch.zeros_like(converged)
        history = [state]
        i = 0
        for i in range(1, self.args.settle_steps + 1):
            state = L.iterate(bound, state, phases, clamps)
            change = L.max_change(state, history[-1])
            converged |= change < self.cfg.theta
            if len(history) >= 2:
                two_cycle = (L.max_change(state, history[-2]) < self.cfg.theta) & (change >= self.cfg.theta)
            history = [history[-1], state]
            if bool((converged | two_cycle).all()):
                break
        return i, int(converged.sum().item())

    def quality(self) -> dict:
        """Held-out masked MSE at T (evaluate()'s mse_at_T), in chunks of 500 as evaluate() does."""
        torch, c = self.torch, self.completion
        total = 0.0
        count = self.test_images.shape[0]
        with torch.no_grad():
            for start in range(0, count, 500):
                y = c.to_state(self.test_images[start:start + 500], self.cfg.arch)
                x = c.complete(self.net, y, self.clamp_mask, self.cfg.steps)
                total += c.masked_mse(x, y, self.target).item() * y.shape[0]
        return {"mse": total / count, "examples": count, "trained": self.trained}

    def memory(self) -> dict:
        out = {"maxRssBytes": high_water_bytes()}
        if self.device.type == "cuda":
            out["peakDeviceBytes"] = self.torch.cuda.max_memory_allocated(self.device)
        return out


def high_water_bytes() -> int:
    """VmHWM, this process's own peak; exec carries the parent's into getrusage's maxrss."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    args = parse_args()
    try:
        side = ReferenceSide(args)
    except BaseException as err:  # SystemExit from load_digits included: say why, as the protocol asks
        send({"ok": False, "error": f"{type(err).__name__}: {err}".split("\n")[0]})
        return
    send({"ok": True, "result": side.info()})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "close":
                break
            if op == "train":
                result = side.train(int(req["batches"]))
            elif op == "settle":
                result = side.settle(int(req["settles"]))
            elif op == "quality":
                result = side.quality()
            elif op == "memory":
                result = side.memory()
            else:
                raise ValueError(f"unknown request {op!r}")
            send({"ok": True, "result": result})
        except Exception as err:
            send({"ok": False, "error": f"{type(err).__name__}: {err}".split("\n")[0]})


if __name__ == "__main__":
    main()
