// ternary_matmul_op.cpp - the LibTorch custom op torch.ops.triton_dsl.
// ternary_matmul over the CPU micro-kernels of ternary_ukernels.h. Built by
// python/triton_dsl/torch_ops.py (torch.utils.cpp_extension) and linked
// against the runtime's static libraries.
//
// ternary_matmul(Tensor x, Tensor w_packed, int k, int n, Tensor? scale=None,
//                Tensor? bias=None, str encoding="offset2",
//                str activations="f32") -> Tensor
//   x         float32 [..., k]
//   w_packed  uint8 holding n packed rows of ceil(k / 4) (offset2) or
//             ceil(k / 5) (base3) bytes: W[k, n] packed along k
//   scale     None, or floating point of shape () or (1,) (per tensor) or
//             (n,) (per column)
//   bias      None, or floating point of shape (n,)
//   activations "f32" (f32 sums) or "int8" (per-token absmax int8
//             quantization, exact int32 sums: BitNet W1.58A8)
//   returns   float32 [..., n] = x @ (t * scale) + bias
// Threads: the op runs the kernels' tasks on torch's intra-op thread pool
// (at::parallel_for, torch.set_num_threads), so that the kernels' threads
// and torch's never compete for the cores.

#include "ternary_ukernels.h"

#include <torch/library.h>
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <string>

namespace {

/// The kernels' tasks on torch's intra-op threads.
void runOnTorchThreads(size_t ntasks, unsigned /*threads*/,
                       tri_uk_task_fn task, void *ctx) {
  at::parallel_for(0, int64_t(ntasks), 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t)
      task(ctx, size_t(t));
  });
}

at::Tensor ternaryMatmul(const at::Tensor &x, const at::Tensor &wPacked,
                         int64_t k, int64_t n,
                         const c10::optional<at::Tensor> &scale,
                         const c10::optional<at::Tensor> &bias,
                         c10::string_view encoding,
                         c10::string_view activations) {
  TORCH_CHECK(x.device().is_cpu() && wPacked.device().is_cpu(),
              "ternary_matmul: CPU tensors only");
  TORCH_CHECK(x.scalar_type() == at::kFloat, "ternary_matmul: x must be float32");
  TORCH_CHECK(wPacked.scalar_type() == at::kByte,
              "ternary_matmul: w_packed must be uint8");
  TORCH_CHECK(k >= 0 && n >= 0, "ternary_matmul: negative k or n");
  TORCH_CHECK(x.dim() >= 1 && x.size(-1) == k,
              "ternary_matmul: x's last dimension must be k = ", k);
  tri_encoding enc;
  if (encoding == "offset2")
    enc = TRI_ENCODING_OFFSET2;
  else if (encoding == "base3")
    enc = TRI_ENCODING_BASE3;
  else
    TORCH_CHECK(false, "ternary_matmul: unknown encoding '",
                std::string(encoding), "'");
  TORCH_CHECK(activations == "f32" || activations == "int8",
              "ternary_matmul: activations must be 'f32' or 'int8'");
  size_t rowBytes = tri_row_bytes(enc, size_t(k));
  TORCH_CHECK(size_t(wPacked.numel()) == rowBytes * size_t(n),
              "ternary_matmul: w_packed holds ", wPacked.numel(),
              " bytes, expected n * row_bytes = ", rowBytes * size_t(n));

  at::Tensor xc = x.contiguous();
  at::Tensor wc = wPacked.contiguous();
  int64_t m = 1; // rows: every leading dimension
  for (int64_t d = 0; d + 1 < xc.dim(); ++d)
    m *= xc.size(d);
  std::vector<int64_t> outShape(xc.sizes().begin(), xc.sizes().end());
  outShape.back() = n;
  at::Tensor y = at::empty(outShape, xc.options());

  at::Tensor sc, bc;
  const float *scalePtr = nullptr;
  tri_uk_scale_mode mode = TRI_UK_SCALE_NONE;
  if (scale.has_value() && scale->defined()) {
    // Only the shapes the pure path broadcasts the same way: () or (1,)
    // per tensor, (n,) per column; an integer scale is a caller's mistake.
    TORCH_CHECK(scale->is_floating_point(),
                "ternary_matmul: scale must be floating point, got ",
                scale->scalar_type());
    TORCH_CHECK(scale->dim() == 0 ||
                    (scale->dim() == 1 &&
                     (scale->size(0) == 1 || scale->size(0) == n)),
                "ternary_matmul: scale must have shape (), (1,) or (n,) = (",
                n, ",), got ", scale->sizes());
    sc = scale->to(at::kFloat).contiguous();
    mode = sc.numel() == 1 ? TRI_UK_SCALE_TENSOR : TRI_UK_SCALE_CHANNEL;
    scalePtr = sc.data_ptr<float>();
  }
  const float *biasPtr = nullptr;
  if (bias.has_value() && bias->defined()) {
    TORCH_CHECK(bias->is_floating_point(),
                "ternary_matmul: bias must be floating point, got ",
                bias->scalar_type());
    TORCH_CHECK(bias->dim() == 1 && bias->size(0) == n,
                "ternary_matmul: bias must have shape (n,) = (", n,
                ",), got ", bias->sizes());
    bc = bias->to(at::kFloat).contiguous();
    biasPtr = bc.data_ptr<float>();
  }
  tri_uk_set_parallel_runner(runOnTorchThreads);
  tri_uk_set_num_threads(unsigned(std::max(1, at::get_num_threads())));
  const float *xp = xc.data_ptr<float>();
  const uint8_t *wp = wc.data_ptr<uint8_t>();
  tri_status st =
      activations == "int8"
          ? tri_uk_gemm_f32_q8(xp, size_t(m), size_t(k), wp, enc, size_t(n),
                               scalePtr, mode, biasPtr, y.data_ptr<float>())
          : tri_uk_gemm_f32(xp, size_t(m), size_t(k), wp, enc, size_t(n),
                            scalePtr, mode, biasPtr, y.data_ptr<float>());
  TORCH_CHECK(st == TRI_OK, "ternary_matmul: ", tri_status_message(st));
  return y;
}

std::string ukernelIsa() { return tri_uk_isa_name(tri_uk_selected_isa()); }

} // namespace

TORCH_LIBRARY(triton_dsl, m) {
  m.def("ternary_matmul(Tensor x, Tensor w_packed, int k, int n, "
        "Tensor? scale=None, Tensor? bias=None, str encoding=\"offset2\", "
        "str activations=\"f32\") -> Tensor");
  m.def("ukernel_isa() -> str", &ukernelIsa);
}

TORCH_LIBRARY_IMPL(triton_dsl, CPU, m) {
  m.impl("ternary_matmul", &ternaryMatmul);
}
