#!/usr/bin/env python3
"""Generates random well-typed .tri programs (grammar-based fuzzing).

libFuzzer mutates bytes and rarely builds long valid programs; this
generator builds them type-directed from three kinds of values (A: a
Tensor[N, W] batch, Q: a WxW matrix, S: an f32 scalar; W = --width, 4 by
default) so that they pass the
checks and exercise MLIRGen and the MLIR verifier. With probability
`--mistakes` an expression is replaced by one of another kind, which makes
the program invalid in a random place (exercising the diagnostics).

    fuzz/random_programs.py OUT_DIR COUNT [SEED] [MISTAKE_RATE] [--differential]

With `--differential` the programs are for running on two targets and
comparing (python/tests/test_gpu.py: the PTX target against the PyTorch
one): no function takes a scalar argument (S is the constant `s`; written
when the PyTorch target took tensors only, kept so that the seeded test
programs stay the same; every target takes scalar arguments now, so the
programs without the flag compare too), no scalar variable is
reassigned (a literal of the other kind would be a type error), and
`forward` returns the sum of every batch variable, so that no computation
is dead.
"""
import argparse
import os
import random

UNARY = ["relu", "sigmoid", "tanh", "gelu", "exp", "abs", "ternarize", "-"]


class Generator:
    def __init__(self, rng, mistakes, differential=False, width=4):
        self.rng = rng
        self.width = width
        self.mistakes = mistakes
        self.differential = differential
        self.vars = {"A": ["x", "y"], "Q": ["sq"], "S": ["s"]}

    def expr(self, kind, depth):
        rng = self.rng
        if rng.random() < self.mistakes:
            kind = rng.choice("AQS")
        if depth <= 0 or rng.random() < 0.2:
            return self.leaf(kind)
        return getattr(self, "expr_" + kind)(depth - 1)

    def leaf(self, kind):
        if kind == "S" and self.rng.random() < 0.5:
            return self.rng.choice(["2", "0.5", "1e-3", "(3 - 1)", "-1"])
        if kind == "Q" and self.rng.random() < 0.3:
            return self.rng.choice(["w", "dequantize(t)", "dequantize(t, b)"])
        return self.rng.choice(self.vars[kind])

    def unary(self, inner):
        op = self.rng.choice(UNARY)
        return "-(%s)" % inner if op == "-" else "%s(%s)" % (op, inner)

    def expr_A(self, d):
        e, rng = self.expr, self.rng
        choice = rng.randrange(14)
        if choice < 3:
            return "(%s %s %s)" % (e("A", d), rng.choice("+-*/"),
                                   e(rng.choice("AS"), d))
        if choice == 3:
            return "(%s %s %s)" % (e("S", d), rng.choice("+-*/"), e("A", d))
        if choice == 4:
            return "(%s @ %s)" % (e("A", d), rng.choice(["w", "t", e("Q", d)]))
        if choice == 5:
            return self.unary(e("A", d))
        if choice == 6:
            return "softmax(%s, %s)" % (e("A", d), rng.choice(["1", "-1", "dim=1"]))
        if choice == 7:
            return "layer_norm(%s%s)" % (e("A", d), rng.choice(["", ", b", ", b, b", ", eps=0.01"]))
        if choice == 8:
            return "(%s * %s(%s, 1, keepdim=true))" % (
                e("A", d), rng.choice(["sum", "mean", "max", "min"]), e("A", d))
        if choice == 9:
            return "quantize_ternary(%s, %s)" % (e("A", d), rng.choice(["0", "0.1", "2"]))
        if choice == 10:
            if rng.random() < 0.5:
                return "Helper(%s)" % e("A", d)
            if self.differential:
                return "Helper.twice(%s)" % e("A", d)
            return "Helper.twice(%s, %s)" % (e("A", d), e("S", d))
        if choice == 11:
            return "reshape(reshape(%s, 2, N, %d), N, -1)" % (e("A", d), self.width // 2)
        if choice == 12:
            return "transpose(transpose(%s))" % e("A", d)
        return "(%s @ transpose(%s) @ %s)" % (e("A", d), e("A", d), e("A", d))

    def expr_Q(self, d):
        e, rng = self.expr, self.rng
        choice = rng.randrange(6)
        if choice == 0:
            return "(%s %s %s)" % (e("Q", d), rng.choice("+-*/"), e(rng.choice("QS"), d))
        if choice == 1:
            return "(%s @ %s)" % (e("Q", d), e("Q", d))
        if choice == 2:
            return "transpose(%s)" % e("Q", d)
        if choice == 3:
            return self.unary(e("Q", d))
        if choice == 4:
            return "(transpose(%s) @ %s)" % (e("A", d), e("A", d))
        return "(%s @ w)" % e("Q", d)

    def expr_S(self, d):
        e, rng = self.expr, self.rng
        return "(%s %s %s)" % (e("S", d), rng.choice("+-*/"), e("S", d))

    def program(self):
        rng = self.rng
        # The scalar: an argument, or (differential) a constant.
        scalar, constant = ", s: f32", []
        if self.differential:
            scalar, constant = "", ["        let s = 0.75"]
        names = {"w": self.width, "scalar": scalar}
        lines = [
            "layer Helper {",
            "    fn forward(x: Tensor[M, %(w)d]) -> Tensor[M, %(w)d] {" % names,
            "        return relu(x)",
            "    }",
            "    fn twice(x: Tensor[M, %(w)d]%(scalar)s) -> Tensor[M, %(w)d] {" % names,
            *constant,
            "        return x * s",
            "    }",
            "}",
            "layer Random {",
            "    param w: TernaryTensor[%(w)d, %(w)d]" % names,
            "    param t: TernaryTensor[%(w)d, %(w)d]" % names,
            "    param sq: Tensor[%(w)d, %(w)d]" % names,
            "    param b: Tensor[%(w)d]" % names,
            "    param cw: TernaryTensor[2, 1, 3, 3]",
            "    fn conv(img: Tensor[N, 1, 6, 6]) -> Tensor[N, 72] {",
            "        return flatten(relu(conv2d(img, cw, padding=1)))",
            "    }",
            "    fn forward(x: Tensor[N, %(w)d], y: Tensor[N, %(w)d]%(scalar)s) -> Tensor[N, %(w)d] {"
            % names,
            *constant,
        ]
        for i in range(rng.randint(1, 6)):
            kind = rng.choice("AAQS")
            name = "v%d" % i
            lines.append("        let %s = %s" % (name, self.expr(kind, 4)))
            self.vars[kind].append(name)
            reassign = not (self.differential and kind == "S")
            if reassign and rng.random() < 0.2:
                lines.append("        %s = %s" % (name, self.expr(kind, 2)))
        result = self.expr("A", 3)
        if self.differential:
            result = " + ".join([result] + self.vars["A"][2:])
        lines.append("        return %s" % result)
        lines += ["    }", "}"]
        return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("count", type=int)
    parser.add_argument("seed", type=int, nargs="?", default=0)
    parser.add_argument("mistakes", type=float, nargs="?", default=0.0)
    parser.add_argument("--differential", action="store_true")
    parser.add_argument("--width", type=int, default=4,
                        help="the size of the batch rows and matrices (even)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    for i in range(args.count):
        with open(os.path.join(args.out, "random%04d.tri" % i), "w") as f:
            f.write(Generator(rng, args.mistakes, args.differential, args.width).program())


if __name__ == "__main__":
    main()
