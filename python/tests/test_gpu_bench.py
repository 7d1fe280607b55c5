"""bench/gpu_bench.py: --prepare compiles its layers with tritonc here (no
GPU needed), the PTX passes ptxas where ptxas is found, and the run either
measures (a GPU: every result within float rounding of float64) or says why
it cannot and exits 0."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("TRITON_BUILD_DIR", ROOT / "build"))
BENCH = ROOT / "bench" / "gpu_bench.py"
sys.path.insert(0, str(BENCH.parent))
import gpu_bench  # noqa: E402

pytestmark = pytest.mark.skipif(not (BUILD / "bin" / "tritonc").exists(),
                                reason="tritonc is not built")


def _ptxas():
    for candidate in (shutil.which("ptxas"), "/usr/local/cuda/bin/ptxas"):
        if candidate and pathlib.Path(candidate).is_file():
            return candidate
    return None


def test_prepare_then_run(tmp_path):
    shapes = "64x96,130x40"
    subprocess.run([sys.executable, str(BENCH), str(tmp_path), "--prepare",
                    "--build", str(BUILD), "--shapes", shapes], check=True)
    for k, n in [(64, 96), (130, 40)]:
        manifest = json.loads((tmp_path / f"gemv_{k}x{n}" / f"gemv_{k}x{n}.json").read_text())
        roles = [(a["role"], a["shape"]) for a in manifest["functions"][0]["arguments"]]
        # The packed weight is a param of N rows of ceil(K/4) bytes.
        assert roles[0] == ("param", [[n], [-(-k // 4)]])
        assert manifest["chip"] == "sm_90"
        # The int8 layer where the dp4a GEMV applies (K % 64 == 0), and the
        # f32 layer with --gpu-activations=int8 (W1.58A8) there, without
        # variants.
        assert (tmp_path / f"int8_{k}x{n}").is_dir() == (k % 64 == 0)
        assert (tmp_path / f"a8_{k}x{n}").is_dir() == (k % 64 == 0)
        assert not (tmp_path / "variants" / "classic" / f"a8_{k}x{n}").exists()
        if k % 64 == 0:
            a8 = json.loads((tmp_path / f"a8_{k}x{n}" / f"a8_{k}x{n}.json").read_text())
            launches = [s.get("launch") for s in a8["functions"][0]["steps"]]
            # One row: the fused kernel; more: quantize, then the mma
            # kernel that dequantizes.
            assert launches == [f"ternary_gemv_a8_sx_k{k}", "ternary_quantize_rows_i8",
                                "ternary_mma_a8_m16n32"], launches
        # The variant of the default VARIANTS (classic: the one-row int8
        # GEMV before ternary_gemv_i8_sx_k<K>), compiled with its flags.
        assert (tmp_path / "variants" / "classic" / f"gemv_{k}x{n}").is_dir()
        assert (tmp_path / "variants" / "classic" / f"int8_{k}x{n}").is_dir() == (k % 64 == 0)
        if k % 64 == 0:
            ptx = {prefix: (tmp_path / f"{prefix}int8_{k}x{n}" / f"int8_{k}x{n}.ptx").read_text()
                   for prefix in ("", "variants/classic/")}
            assert f"ternary_gemv_i8_sx_k{k}" in ptx[""]
            assert "ternary_gemv_i8_r1c4w4" not in ptx[""]
            assert "ternary_gemv_i8_r1c4w4" in ptx["variants/classic/"]
            # fx: the one-row f32 GEMV in fixed point.
            f32 = (tmp_path / "variants" / "fx" / f"gemv_{k}x{n}" / f"gemv_{k}x{n}.ptx").read_text()
            assert f"ternary_gemv_f32_fx_k{k}" in f32
            assert f"ternary_gemv_f32_fx_k{k}" not in (
                tmp_path / f"gemv_{k}x{n}" / f"gemv_{k}x{n}.ptx").read_text()
            # i8mma: the one-row int8 GEMV on the int8 tensor cores.
            assert f"ternary_gemv_i8_mma_k{k}" in (
                tmp_path / "variants" / "i8mma" / f"int8_{k}x{n}" / f"int8_{k}x{n}.ptx").read_text()
            assert f"ternary_gemv_i8_mma_k{k}" not in ptx[""]
            # i8codes: more int8 rows with the trit codes as unsigned B.
            codes = (tmp_path / "variants" / "i8codes" / f"int8_{k}x{n}" /
                     f"int8_{k}x{n}.ptx").read_text()
            assert "ternary_mma_i8_m16n32_u8" in codes
            assert "ternary_mma_i8_m16n32(" not in codes
            assert "ternary_mma_i8_m16n32_u8" not in ptx[""]
            ptxas = _ptxas()
            if ptxas:
                for prefix in ptx:
                    subprocess.run([ptxas, "-arch=sm_90", str(tmp_path / f"{prefix}int8_{k}x{n}" /
                                                              f"int8_{k}x{n}.ptx"),
                                    "-o", os.devnull], check=True)
    out = tmp_path / "rows.json"
    result = subprocess.run([sys.executable, str(BENCH), str(tmp_path), "--shapes", shapes,
                             "--batches", "1,17", "--repeat", "3", "--json", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    if "skipped" in result.stdout:
        print(result.stdout)  # no GPU here: the reason
        return
    result = json.loads(out.read_text())
    rows, variants = result["rows"], result["variants"]
    assert len(rows) == 4
    assert all(row["max_rel_error"] < 1e-5 for row in rows), rows
    assert all(row["int8_exact"] for row in rows if row["shape"] == "64x96"), rows
    assert all(row["a8_exact"] for row in rows if row["shape"] == "64x96"), rows
    # The variants at batch 1 (of --variant-batches 1,16): each once per
    # shape.
    assert len(variants) == 2 * len(gpu_bench.parse_variants(gpu_bench.VARIANTS)), variants
    assert all(row["max_rel_error"] < 1e-5 for row in variants), variants
    assert all(row["int8_exact"] for row in variants if row["shape"] == "64x96"), variants


def test_sass_stats_one_lop3_per_code(tmp_path):
    """bench/sass_stats.py on the bench's f32 layers for sm_90 (K = 80: the
    word GEMVs; K = 256: the tensor-core kernels of one and 16 rows): the
    decode of a code is one LOP3, its mask in place and the kernel's
    decode-bits argument in a register (never a literal LOP3 input), and
    one FFMA, or one LOP3 and one HFMA2/HADD2 per bf16 pair. With the bits a
    literal, ptxas emits a second LOP3 with them and the test fails."""
    if not _ptxas():
        pytest.skip("ptxas not found")
    try:
        import nvidia  # noqa: F401  (the cuobjdump wheel, requirements.txt)
    except ImportError:
        if not shutil.which("cuobjdump"):
            pytest.skip("cuobjdump not found (pip install nvidia-cuda-cuobjdump)")
    subprocess.run([sys.executable, str(BENCH), str(tmp_path), "--prepare",
                    "--build", str(BUILD), "--shapes", "80x64,256x128"], check=True)
    out = tmp_path / "sass.json"
    subprocess.run([sys.executable, str(ROOT / "bench" / "sass_stats.py"),
                    str(tmp_path / "gemv_80x64"), str(tmp_path / "gemv_256x128"),
                    "--json", str(out)], check=True)
    rows = {(row["kernel"], row["rows"]): row for row in json.loads(out.read_text())}

    def decode_lop3(row):
        # The or-bits are never a literal input; the x split's masks of the
        # tensor-core kernels (0xffff0000) are not the decode's.
        immediates = row["lop3_immediates"]
        assert not {"0x4b000000", "0x43004300"} & set(immediates), row
        return row["opcodes"]["LOP3"] - immediates.get("0xffff0000", 0)

    gemv = rows[("ternary_gemv_f32_r1c4w1", 1)]
    assert gemv["trits"] == 64
    assert decode_lop3(gemv) == 64, gemv  # one per trit
    assert gemv["opcodes"].get("FFMA", 0) + gemv["opcodes"].get("FADD", 0) == 128, gemv
    for kernel, tile_rows, mma in [("ternary_mma_f32_m16n64", 16, 384),
                                   ("ternary_mma_f32_m16n64", 8, 192),
                                   ("ternary_mma_f32_m1n64", 1, 64)]:
        row = rows[(kernel, tile_rows)]
        assert row["mma"] == mma, row
        pairs = row["trits"] // 2
        # One per bf16 pair, and a few of the loop's index arithmetic.
        assert pairs <= decode_lop3(row) <= pairs + 8, row
        assert row["opcodes"].get("HFMA2", 0) + row["opcodes"].get("HADD2", 0) == pairs


def test_timed_operands_span_past_the_l2():
    """The benchmark rotates each timed operand over copies() copies: for
    every size it times, at least SPAN bytes (past a 50-60 MB L2), so that a
    weight is not served from L2 by the call before; one copy when one
    already spans it."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import gpu_bench
    finally:
        sys.path.pop(0)
    assert gpu_bench.SPAN >= 4 * 60 << 20
    for k, n in gpu_bench.parse_shapes(gpu_bench.DEFAULT_SHAPES):
        for nbytes in (n * -(-k // 4), 2 * k * n, 4 * k * n):  # packed, fp16, fp32
            count = gpu_bench.copies(nbytes)
            assert count * nbytes >= gpu_bench.SPAN or count == 128, (k, n, nbytes)
            assert count == 1 or (count - 1) * nbytes < gpu_bench.SPAN, (k, n, nbytes)
