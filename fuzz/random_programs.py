#!/usr/bin/env python3
"""Generates random well-typed .tri programs (grammar-based fuzzing).

libFuzzer mutates bytes and rarely builds long valid programs; this
generator builds them type-directed from three kinds of values (A: a
Tensor[N, 4] batch, Q: a 4x4 matrix, S: an f32 scalar) so that they pass the
checks and exercise MLIRGen and the MLIR verifier. With probability
`--mistakes` an expression is replaced by one of another kind, which makes
the program invalid in a random place (exercising the diagnostics).

    fuzz/random_programs.py OUT_DIR COUNT [SEED] [MISTAKE_RATE]
"""
import os
import random
import sys

UNARY = ["relu", "sigmoid", "tanh", "gelu", "exp", "abs", "ternarize", "-"]


class Generator:
    def __init__(self, rng, mistakes):
        self.rng = rng
        self.mistakes = mistakes
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
            return "Helper.twice(%s, %s)" % (e("A", d), e("S", d))
        if choice == 11:
            return "reshape(reshape(%s, 2, N, 2), N, -1)" % e("A", d)
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
        lines = [
            "layer Helper {",
            "    fn forward(x: Tensor[M, 4]) -> Tensor[M, 4] {",
            "        return relu(x)",
            "    }",
            "    fn twice(x: Tensor[M, 4], s: f32) -> Tensor[M, 4] {",
            "        return x * s",
            "    }",
            "}",
            "layer Random {",
            "    param w: TernaryTensor[4, 4]",
            "    param t: TernaryTensor[4, 4]",
            "    param sq: Tensor[4, 4]",
            "    param b: Tensor[4]",
            "    param cw: TernaryTensor[2, 1, 3, 3]",
            "    fn conv(img: Tensor[N, 1, 6, 6]) -> Tensor[N, 72] {",
            "        return flatten(relu(conv2d(img, cw, padding=1)))",
            "    }",
            "    fn forward(x: Tensor[N, 4], y: Tensor[N, 4], s: f32) -> Tensor[N, 4] {",
        ]
        for i in range(rng.randint(1, 6)):
            kind = rng.choice("AAQS")
            name = "v%d" % i
            lines.append("        let %s = %s" % (name, self.expr(kind, 4)))
            self.vars[kind].append(name)
            if rng.random() < 0.2:
                lines.append("        %s = %s" % (name, self.expr(kind, 2)))
        lines.append("        return %s" % self.expr("A", 3))
        lines += ["    }", "}"]
        return "\n".join(lines) + "\n"


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    mistakes = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        with open(os.path.join(out, "random%04d.tri" % i), "w") as f:
            f.write(Generator(rng, mistakes).program())


if __name__ == "__main__":
    main()
