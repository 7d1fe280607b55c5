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
// Autograd is in C++ too (the Autograd kernel below): gradients for x, scale
// and bias, none for the packed bytes; with activations="int8" the gradient
// for x is straight-through. A Python autograd formula would put the Python
// interpreter on every call (about 5 us, more than a small GEMV takes).

#include "ternary_ukernels.h"

#include <torch/library.h>
#include <torch/csrc/autograd/custom_function.h>
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

/// The trits W[k, n] (float32) of the packed bytes, with tensor ops.
at::Tensor unpackTrits(const at::Tensor &wPacked, int64_t k, int64_t n,
                       const std::string &encoding) {
  at::Tensor w = wPacked.reshape({n, -1}).to(at::kLong).unsqueeze(-1);
  at::Tensor codes;
  if (encoding == "offset2") {
    at::Tensor shifts = at::arange(0, 8, 2, w.options());
    codes = at::bitwise_and(at::bitwise_right_shift(w, shifts), 3);
  } else {
    at::Tensor powers = at::pow(3, at::arange(5, w.options()));
    codes = at::remainder(at::floor_divide(w, powers), 3);
  }
  at::Tensor trits = codes.reshape({n, -1}).slice(1, 0, k) - 1;
  return trits.t().to(at::kFloat);
}

/// The op through the dispatcher: its CPU kernel for real tensors, its fake
/// kernel under FakeTensorMode / torch.compile.
at::Tensor callTernaryMatmul(const at::Tensor &x, const at::Tensor &wPacked,
                             int64_t k, int64_t n,
                             const std::optional<at::Tensor> &scale,
                             const std::optional<at::Tensor> &bias,
                             c10::string_view encoding,
                             c10::string_view activations) {
  static auto op =
      c10::Dispatcher::singleton()
          .findSchemaOrThrow("triton_dsl::ternary_matmul", "")
          .typed<at::Tensor(const at::Tensor &, const at::Tensor &, int64_t,
                            int64_t, const std::optional<at::Tensor> &,
                            const std::optional<at::Tensor> &, c10::string_view,
                            c10::string_view)>();
  return op.call(x, wPacked, k, n, scale, bias, encoding, activations);
}

/// y = (x @ W) * scale + bias, W the unpacked trits [k, n]:
/// dx = (grad * scale) @ W^T, dscale = sum of grad * (x @ W) over what scale
/// broadcasts along, dbias = sum of grad over the rows.
class TernaryMatmulFunction
    : public torch::autograd::Function<TernaryMatmulFunction> {
public:
  static at::Tensor forward(torch::autograd::AutogradContext *ctx,
                            const at::Tensor &x, const at::Tensor &wPacked,
                            int64_t k, int64_t n,
                            const std::optional<at::Tensor> &scale,
                            const std::optional<at::Tensor> &bias,
                            std::string encoding, std::string activations) {
    at::Tensor y;
    {
      at::AutoDispatchBelowADInplaceOrView guard;
      y = callTernaryMatmul(x, wPacked, k, n, scale, bias, encoding,
                            activations);
    }
    at::Tensor s = scale.value_or(at::Tensor()), b = bias.value_or(at::Tensor());
    ctx->save_for_backward({x, wPacked, s, b});
    ctx->saved_data["k"] = k;
    ctx->saved_data["n"] = n;
    ctx->saved_data["encoding"] = encoding;
    ctx->saved_data["activations"] = activations;
    ctx->saved_data["grad_x"] = x.requires_grad();
    ctx->saved_data["grad_scale"] = s.defined() && s.requires_grad();
    ctx->saved_data["grad_bias"] = b.defined() && b.requires_grad();
    return y;
  }

  static torch::autograd::variable_list
  backward(torch::autograd::AutogradContext *ctx,
           torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &wPacked = saved[1], &scale = saved[2],
                     &bias = saved[3];
    int64_t k = ctx->saved_data["k"].toInt();
    int64_t n = ctx->saved_data["n"].toInt();
    std::string encoding = ctx->saved_data["encoding"].toStringRef();
    std::string activations = ctx->saved_data["activations"].toStringRef();
    const at::Tensor &grad = grads[0];
    at::Tensor rows = grad.reshape({-1, n});
    at::Tensor gradX, gradScale, gradBias;
    if (ctx->saved_data["grad_x"].toBool()) {
      at::Tensor g =
          scale.defined() ? grad * scale.to(grad.scalar_type()).reshape(-1) : grad;
      gradX = at::matmul(g, unpackTrits(wPacked, k, n, encoding).t());
    }
    if (ctx->saved_data["grad_scale"].toBool()) {
      at::Tensor product;
      {
        at::AutoDispatchBelowADInplaceOrView guard;
        product = callTernaryMatmul(x.detach(), wPacked, k, n, std::nullopt,
                                    std::nullopt, encoding, activations);
      }
      at::Tensor perColumn = (rows * product.reshape({-1, n})).sum(0);
      at::Tensor total = scale.numel() == 1 ? perColumn.sum() : perColumn;
      gradScale = total.reshape(scale.sizes()).to(scale.scalar_type());
    }
    if (ctx->saved_data["grad_bias"].toBool())
      gradBias = rows.sum(0).reshape(bias.sizes()).to(bias.scalar_type());
    return {gradX, at::Tensor(), at::Tensor(), at::Tensor(), gradScale,
            gradBias, at::Tensor(), at::Tensor()};
  }
};

at::Tensor ternaryMatmulAutograd(const at::Tensor &x, const at::Tensor &wPacked,
                                 int64_t k, int64_t n,
                                 const std::optional<at::Tensor> &scale,
                                 const std::optional<at::Tensor> &bias,
                                 c10::string_view encoding,
                                 c10::string_view activations) {
  bool differentiable =
      (x.requires_grad() || (scale && scale->defined() && scale->requires_grad()) ||
       (bias && bias->defined() && bias->requires_grad()));
  if (!differentiable || !at::GradMode::is_enabled()) {
    // Inference (no_grad, or nothing to differentiate): straight to the
    // kernel, no autograd node and no saved state.
    at::AutoDispatchBelowADInplaceOrView guard;
    return callTernaryMatmul(x, wPacked, k, n, scale, bias, encoding,
                             activations);
  }
  return TernaryMatmulFunction::apply(x, wPacked, k, n, scale, bias,
                                      std::string(encoding),
                                      std::string(activations));
}

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

TORCH_LIBRARY_IMPL(triton_dsl, Autograd, m) {
  m.impl("ternary_matmul", &ternaryMatmulAutograd);
}
