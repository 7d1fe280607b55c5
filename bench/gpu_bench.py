#!/usr/bin/env python3
"""GEMV/GEMM of --target=ptx against torch.matmul on the same GPU.

    bench/gpu_bench.py --prepare DIR [--build BUILD] [--chip sm_90] [--shapes ...]
                       [--variants NAME=FLAGS;...]
    bench/gpu_bench.py DIR [--batches 1,4,16,64] [--repeat 50]
                       [--variant-batches 1,16]

Two halves, because the GPU machines have torch and the CUDA driver but no
MLIR: `--prepare` (here, with tritonc) compiles one layer `y = x @ w` per
shape KxN with `--target=ptx`, the ternary weight left unbound (a param of
the layer function, packed offset2 along K: N rows of ceil(K/4) bytes), into
DIR/gemv_KxN/. The run (on the GPU) loads each directory with
triton_dsl.cuda, binds random packed weights and activations once
(`_Function.launcher`), and times with CUDA events, in one process and side
by side:

* ours: the function's launches (when K % 64 == 0, as in every default
  shape, the f32 tensor-core kernels: one row per block at 1 token, 16
  above; with K % 16 == 0 the word GEMV at 1 token and the 16-row
  tensor-core kernel of 32-bit words above; else the byte GEMV up to 16
  tokens and the tiled kernel above) and
  its one device copy of the result;
* ours int8 (where K % 64 == 0): the same weights with int8 activations
  (`Tensor<i8> @ TernaryTensor`, exact i32: the dp4a GEMV at batch 1, the
  tensor-core kernel above),
  compiled by `--prepare` into DIR/int8_KxN/;
* ours W1.58A8 (where K % 64 == 0): the f32 layer compiled with
  --gpu-activations=int8 into DIR/a8_KxN/, f32 in and out, every launch in
  the time: at 1 token ternary_gemv_a8_sx_k<K> (K <= 8192: the row
  quantized to int8 as the staged dp4a GEMV stages it, dequantized in its
  epilogue), above ternary_quantize_rows_i8 and the s8 tensor-core kernel
  that dequantizes in its epilogue (ternary_mma_a8_m16n32; K > 8192 at 1
  token: ternary_quantize_rows_i8, the dp4a GEMV and
  ternary_dequantize_rows); checked bit for bit against the runtime's
  W1.58A8 definition computed by torch;
* torch.matmul of the same trits as a dense fp16 weight (cuBLAS) and fp32;
* a device-to-device copy of the fp16 weight's bytes: the bandwidth limit.

Reported per shape and batch: time, GB/s of weight bytes read (packed bytes
for ours, 2 or 4 bytes a weight for torch), ours as % of the copy's
bandwidth (bytes read + written per second), and the speed-ups over fp16 and
fp32. Each result is checked against a float64 product of the same trits
(max relative error printed; the int8 result must be exact). Without torch CUDA or the CUDA runner the run
prints why and exits 0.

Kernel variants: `--prepare` also compiles each layer with the tritonc flags
of every variant (default VARIANTS: the hidden --gpu-int8-staged-x=false,
--gpu-f32-fixed-point, --gpu-int8-mma-gemv and --gpu-int8-mma-codes of
docs/targets/ptx.md) into
DIR/variants/NAME/, and the run times each one right after the default
kernels on the same operands, at `--variant-batches`, and prints a second
table: its time and the default's over it (> 1: the variant is faster),
each result checked as above.
"""
import argparse
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEFAULT_SHAPES = "4096x4096,8192x28672,28672x8192"
# Kernel variants to measure against the default kernels: name=tritonc flags.
# classic: the one-row int8 GEMV before ternary_gemv_i8_sx_k<K>; fx: the
# one-row f32 GEMV in fixed point, ternary_gemv_f32_fx_k<K>; i8mma: the
# one-row int8 GEMV on the int8 tensor cores, ternary_gemv_i8_mma_k<K> (both
# K <= 8192; not the default until measured); their batch is 1. i8codes:
# the int8 tensor-core kernel of more rows with the trit codes as the mma's
# unsigned operand, ternary_mma_i8_m16n32_u8 (batch 16; not the default
# until measured).
VARIANTS = ("classic=--gpu-int8-staged-x=false;fx=--gpu-f32-fixed-point;"
            "i8mma=--gpu-int8-mma-gemv;i8codes=--gpu-int8-mma-codes")


def parse_variants(text):
    variants = {}
    for item in filter(None, text.split(";")):
        name, _, flags = item.partition("=")
        variants[name.strip()] = flags.split()
    return variants


def parse_shapes(text):
    shapes = []
    for item in text.split(","):
        k, n = item.lower().split("x")
        shapes.append((int(k), int(n)))
    return shapes


def prepare(args):
    tritonc = pathlib.Path(args.build) / "bin" / "tritonc"
    if not tritonc.is_file():
        sys.exit(f"gpu_bench: {tritonc} not found (build the project first)")
    out = pathlib.Path(args.directory)
    out.mkdir(parents=True, exist_ok=True)
    def layer(name, k, n, element, result, extra=(), with_variants=True):
        source = out / f"{name}.tri"
        source.write_text(f"layer G {{\n    param w: TernaryTensor[{k}, {n}]\n"
                          f"    fn forward(x: {element}[B, {k}]) -> {result}[B, {n}] {{\n"
                          f"        return x @ w\n    }}\n}}\n")
        variants = {"": []} | ({f"variants/{v}/": f for v, f in
                                parse_variants(args.variants).items()} if with_variants else {})
        for prefix, flags in variants.items():
            subprocess.run([str(tritonc), str(source), "--target=ptx", f"--gpu-chip={args.chip}",
                            *extra, *flags, "-o", str(out / f"{prefix}{name}")], check=True)
            print(f"prepared {out / f'{prefix}{name}'}")

    for k, n in parse_shapes(args.shapes):
        layer(f"gemv_{k}x{n}", k, n, "Tensor", "Tensor")
        if k % 64 == 0:  # the dp4a GEMV reads 64 k's per lane and step
            layer(f"int8_{k}x{n}", k, n, "Tensor<i8>", "Tensor<i32>")
            layer(f"a8_{k}x{n}", k, n, "Tensor", "Tensor", ["--gpu-activations=int8"],
                  with_variants=False)


# Each timed call reads operands that no call of the last SPAN bytes read:
# the H100/H200 L2 holds 50-60 MB, the packed 8192x28672 weight is 58.7 MB
# and the 4096x4096 one 4.2 MB, so one copy reused call after call would
# be read from L2, not HBM. A layer's weights in a model are read once per
# token, from HBM.
SPAN = 512 << 20
COPY_BYTES = 1 << 30  # the device copy that measures the bandwidth limit


def copies(nbytes):
    """How many copies of an operand of `nbytes` bytes span SPAN."""
    return max(1, min(128, -(-SPAN // nbytes)))


def timed(functions, repeat, torch):
    """Milliseconds per call, by CUDA events around `repeat` calls after 3
    warm-up calls; the calls cycle through `functions` (one per copy of
    the operands), the timed ones continuing the warm-up's cycle."""
    for i in range(3):
        functions[i % len(functions)]()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for i in range(3, 3 + repeat):
        functions[i % len(functions)]()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / repeat


def run(args):
    try:
        import torch
    except ImportError:
        print("gpu_bench: skipped, torch is not installed")
        return
    if not torch.cuda.is_available():
        print("gpu_bench: skipped, torch sees no CUDA GPU")
        return
    sys.path.insert(0, str(ROOT / "python"))
    from triton_dsl import cuda
    available, reason = cuda.driver_available()
    if not available:
        print(f"gpu_bench: skipped, the CUDA runner cannot start: {reason}")
        return
    directory = pathlib.Path(args.directory)
    batches = [int(b) for b in args.batches.split(",")]
    device = torch.device("cuda")
    print(f"# {torch.cuda.get_device_name()} ({reason}), torch {torch.__version__}")
    copy_src = torch.empty(COPY_BYTES, dtype=torch.uint8, device=device)
    copy_dst = torch.empty_like(copy_src)
    copy_ms = timed([lambda: copy_dst.copy_(copy_src)], 20, torch)
    copy_gbs = 2 * COPY_BYTES / copy_ms / 1e6  # read + written
    print(f"# device copy of {COPY_BYTES >> 20} MiB: {copy_gbs:.0f} GB/s read + written; "
          f"timed operands rotate over copies spanning {SPAN >> 20} MiB (past the L2)")
    rows, variant_rows = [], []
    variant_batches = {int(b) for b in args.variant_batches.split(",") if b}
    for k, n in parse_shapes(args.shapes):
        program = cuda.load(directory / f"gemv_{k}x{n}")
        function = program.G_forward
        int8_dir = directory / f"int8_{k}x{n}"
        int8_program = cuda.load(int8_dir) if int8_dir.is_dir() else None
        a8_dir = directory / f"a8_{k}x{n}"
        a8_program = cuda.load(a8_dir) if a8_dir.is_dir() else None
        arguments = function.description["arguments"]
        param = next(a for a in arguments if a["role"] == "param")
        rows_expected = [[n], [-(-k // 4)]]
        if param["shape"] != rows_expected:
            sys.exit(f"gpu_bench: gemv_{k}x{n}: the weight param has shape {param['shape']}, "
                     f"expected {rows_expected} (N rows of offset2 bytes along K)")
        generator = torch.Generator(device=device).manual_seed(k * 31 + n)
        codes = torch.randint(0, 3, (n, -(-k // 4) * 4), dtype=torch.uint8, device=device,
                              generator=generator)
        codes[:, k:] = 1  # padding trits are zeros
        fields = codes.view(n, -1, 4).to(torch.int32)
        packed = (fields[..., 0] | fields[..., 1] << 2 | fields[..., 2] << 4
                  | fields[..., 3] << 6).to(torch.uint8).view(torch.int8).contiguous()
        trits = (codes[:, :k].to(torch.float32) - 1)  # [N, K]
        dense16 = trits.t().contiguous().half()
        dense32 = trits.t().contiguous()
        packs = [packed] + [packed.clone() for _ in range(copies(packed.numel()) - 1)]
        denses16 = [dense16] + [dense16.clone() for _ in range(copies(dense16.numel() * 2) - 1)]
        denses32 = [dense32] + [dense32.clone() for _ in range(copies(dense32.numel() * 4) - 1)]

        def time_f32(fn, x):
            """ms per call of the f32 layer `fn`, and its max relative error."""
            launches = [fn.launcher(*[p if a["role"] == "param" else x
                                      for a in fn.description["arguments"]
                                      if a["role"] != "output"]) for p in packs]
            ms = timed([launch for launch, _ in launches], args.repeat, torch)
            out = launches[0][1]  # ran in the warm-up
            want = x.double() @ trits.t().double()
            error = ((out.double() - want).abs().max() / want.abs().max().clamp_min(1e-30)).item()
            return ms, error

        def time_int8(fn, x8):
            """ms per call of the int8 layer `fn`, and whether it is exact."""
            launches = [fn.launcher(*[p if a["role"] == "param" else x8
                                      for a in fn.description["arguments"]
                                      if a["role"] != "output"]) for p in packs]
            ms = timed([launch for launch, _ in launches], args.repeat, torch)
            out8 = launches[0][1]
            exact = bool(torch.equal(out8.long().cpu(),
                                     (x8.double() @ trits.t().double()).long().cpu()))
            return ms, exact

        def time_a8(fn, x):
            """ms per call of the W1.58A8 layer `fn` (f32 in and out), and
            whether it equals the runtime's definition (tri_uk_quantize_act_i8
            + tri_uk_gemm_i8: q = round-half-even(x * (127 / max|x|)), exact
            sums, f32(sum) * (max|x| / 127)) bit for bit."""
            launches = [fn.launcher(*[p if a["role"] == "param" else x
                                      for a in fn.description["arguments"]
                                      if a["role"] != "output"]) for p in packs]
            ms = timed([launch for launch, _ in launches], args.repeat, torch)
            out = launches[0][1]
            amax = x.abs().amax(dim=1, keepdim=True)
            inv = torch.where(amax > 0, 127.0 / amax, torch.zeros_like(amax))
            q = torch.round(x * inv).clamp(-127, 127).double()
            sums = (q @ trits.t().double()).float()  # exact integers
            return ms, bool(torch.equal(out, sums * (amax / 127.0)))

        variants = {}
        for name in parse_variants(args.variants):
            variant_dir = directory / "variants" / name
            if (variant_dir / f"gemv_{k}x{n}").is_dir():
                int8_variant = variant_dir / f"int8_{k}x{n}"
                variants[name] = (cuda.load(variant_dir / f"gemv_{k}x{n}"),
                                  cuda.load(int8_variant) if int8_variant.is_dir() else None)
        for batch in batches:
            x = torch.randn(batch, k, device=device, generator=generator)
            ours_ms, error = time_f32(function, x)
            x16 = x.half()
            fp16_ms = timed([lambda d=d: torch.matmul(x16, d) for d in denses16], args.repeat,
                            torch)
            fp32_ms = timed([lambda d=d: torch.matmul(x, d) for d in denses32], args.repeat,
                            torch)
            ours_gbs = packed.numel() / ours_ms / 1e6
            int8_ms, int8_exact, x8 = None, None, None
            if int8_program is not None:
                x8 = torch.randint(-128, 128, (batch, k), dtype=torch.int8, device=device,
                                   generator=generator)
                int8_ms, int8_exact = time_int8(int8_program.G_forward, x8)
            a8_ms, a8_exact = (time_a8(a8_program.G_forward, x) if a8_program is not None
                               else (None, None))
            rows.append({
                "int8_ms": int8_ms, "int8_exact": int8_exact,
                "a8_ms": a8_ms, "a8_exact": a8_exact,
                "speedup_fp16_a8": fp16_ms / a8_ms if a8_ms else None,
                "speedup_fp16_int8": fp16_ms / int8_ms if int8_ms else None,
                "shape": f"{k}x{n}", "batch": batch, "ours_ms": ours_ms, "fp16_ms": fp16_ms,
                "fp32_ms": fp32_ms, "ours_weight_gbs": ours_gbs,
                "fp16_weight_gbs": dense16.numel() * 2 / fp16_ms / 1e6,
                "copy_gbs": copy_gbs, "pct_of_copy": 100 * ours_gbs / copy_gbs,
                "speedup_fp16": fp16_ms / ours_ms, "speedup_fp32": fp32_ms / ours_ms,
                "max_rel_error": error})
            int8_text = (f", int8 {int8_ms * 1e3:.1f} us ({'exact' if int8_exact else 'WRONG'})"
                         if int8_ms else "")
            if a8_ms:
                int8_text += (f", W1.58A8 {a8_ms * 1e3:.1f} us "
                              f"({'exact' if a8_exact else 'WRONG'})")
            print(f"# {k}x{n} batch {batch}: ours {ours_ms * 1e3:.1f} us, fp16 "
                  f"{fp16_ms * 1e3:.1f} us, fp32 {fp32_ms * 1e3:.1f} us, error {error:.1e}"
                  f"{int8_text}", flush=True)
            if batch in variant_batches and variants:
                # The default once more, right before its variants: the
                # ratios compare neighbours in time.
                reference_ms, _ = time_f32(function, x)
                reference8_ms = (time_int8(int8_program.G_forward, x8)[0]
                                 if x8 is not None else None)
                for name, (variant, int8_variant) in variants.items():
                    v_ms, v_error = time_f32(variant.G_forward, x)
                    v8_ms, v8_exact = (time_int8(int8_variant.G_forward, x8)
                                       if int8_variant is not None and x8 is not None
                                       else (None, None))
                    variant_rows.append({
                        "shape": f"{k}x{n}", "batch": batch, "variant": name,
                        "flags": " ".join(parse_variants(args.variants)[name]),
                        "ours_ms": v_ms, "default_ms": reference_ms, "max_rel_error": v_error,
                        "int8_ms": v8_ms, "int8_default_ms": reference8_ms, "int8_exact": v8_exact,
                        "pct_of_copy": 100 * packed.numel() / v_ms / 1e6 / copy_gbs,
                        "int8_pct_of_copy": (100 * packed.numel() / v8_ms / 1e6 / copy_gbs
                                             if v8_ms else None),
                        "speedup_fp16": fp16_ms / v_ms,
                        "speedup_fp16_int8": fp16_ms / v8_ms if v8_ms else None})
                    v8_text = (f", int8 {v8_ms * 1e3:.1f} us "
                               f"({'exact' if v8_exact else 'WRONG'})" if v8_ms else "")
                    print(f"#   variant {name}: ours {v_ms * 1e3:.1f} us (default "
                          f"{reference_ms * 1e3:.1f}), error {v_error:.1e}{v8_text}",
                          flush=True)
        program.close()
        if int8_program is not None:
            int8_program.close()
        if a8_program is not None:
            a8_program.close()
        for variant, int8_variant in variants.values():
            variant.close()
            if int8_variant is not None:
                int8_variant.close()
    print("| K x N | batch | ours | torch fp16 | torch fp32 | ours GB/s (packed) "
          "| % of copy | fp16 / ours | fp32 / ours | max rel. error | ours int8 "
          "| int8 % of copy | fp16 / int8 | ours W1.58A8 | fp16 / W1.58A8 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r["int8_ms"]:
            int8_pct = 100 * (r["ours_weight_gbs"] * r["ours_ms"] / r["int8_ms"]) / r["copy_gbs"]
            int8_cells = (f"{r['int8_ms'] * 1e3:.1f} us{'' if r['int8_exact'] else ' WRONG'} "
                          f"| {int8_pct:.0f}% | {r['speedup_fp16_int8']:.2f}x")
        else:
            int8_cells = "- | - | -"
        if r["a8_ms"]:
            int8_cells += (f" | {r['a8_ms'] * 1e3:.1f} us{'' if r['a8_exact'] else ' WRONG'} "
                           f"| {r['speedup_fp16_a8']:.2f}x")
        else:
            int8_cells += " | - | -"
        print(f"| {r['shape']} | {r['batch']} | {r['ours_ms'] * 1e3:.1f} us "
              f"| {r['fp16_ms'] * 1e3:.1f} us | {r['fp32_ms'] * 1e3:.1f} us "
              f"| {r['ours_weight_gbs']:.0f} | {r['pct_of_copy']:.0f}% "
              f"| {r['speedup_fp16']:.2f}x | {r['speedup_fp32']:.2f}x | {r['max_rel_error']:.1e} "
              f"| {int8_cells} |")
    if variant_rows:
        print("\nKernel variants, timed right after the default kernels on the same operands "
              "(default / variant > 1: the variant is faster):\n")
        print("| K x N | batch | variant | f32 | default / variant | % of copy | fp16 / f32 "
              "| int8 | default / variant | int8 % of copy | fp16 / int8 |")
        print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in variant_rows:
            int8_cells = "- | - | - | -"
            if r["int8_ms"]:
                int8_cells = (f"{r['int8_ms'] * 1e3:.1f} us{'' if r['int8_exact'] else ' WRONG'} "
                              f"| {r['int8_default_ms'] / r['int8_ms']:.3f} "
                              f"| {r['int8_pct_of_copy']:.0f}% | {r['speedup_fp16_int8']:.2f}x")
            print(f"| {r['shape']} | {r['batch']} | {r['variant']} | {r['ours_ms'] * 1e3:.1f} us "
                  f"| {r['default_ms'] / r['ours_ms']:.3f} | {r['pct_of_copy']:.0f}% "
                  f"| {r['speedup_fp16']:.2f}x | {int8_cells} |")
    print(f"\ncopy bandwidth (read + written, {COPY_BYTES >> 20} MiB): {copy_gbs:.0f} GB/s")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"rows": rows, "variants": variant_rows},
                                                      indent=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--prepare", action="store_true",
                        help="compile the layers into DIRECTORY (needs tritonc, no GPU)")
    parser.add_argument("--build", default=str(ROOT / "build"))
    parser.add_argument("--chip", default="sm_90")
    parser.add_argument("--shapes", default=DEFAULT_SHAPES, help="KxN,KxN,...")
    parser.add_argument("--batches", default="1,4,16,64")
    parser.add_argument("--variants", default=VARIANTS,
                        help="NAME=TRITONC FLAGS;... compiled by --prepare into "
                             "DIRECTORY/variants/NAME ('' for none); the run times those "
                             "it finds")
    parser.add_argument("--variant-batches", default="1,16",
                        help="the batches at which the variants are timed")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--json", help="also write the rows as JSON")
    args = parser.parse_args()
    prepare(args) if args.prepare else run(args)


if __name__ == "__main__":
    main()
