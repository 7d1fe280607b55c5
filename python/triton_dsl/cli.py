"""The ``triton-dsl`` console script.

    triton-dsl compile model.pt2 --target=pytorch -o model.py
    triton-dsl compile model.pt2 --target=cpu -o model.o
    triton-dsl compile model.pt2 --target=onnx [--onnx-profile=standard] -o model.onnx

``model.pt2`` is a ``torch.export.save`` file. It is captured with
:func:`triton_dsl.from_exported` (Linear/Conv2d weights ternarized; the QAT
layers keep their own trits and scales) and compiled for ``--target`` with
the weights embedded: the PyTorch file needs only torch and starts with the
weights, the CPU object's entry points take only the inputs, the ONNX model
holds them as initializers. ``--target=tri`` writes the captured ``.tri``
program. Any other registered target (``triton_dsl.targets()``) works the
same way; one that writes several files gets a directory ``OUT``.

Errors are one ``triton-dsl: error: ...`` line on stderr and exit status 1;
``OUT`` is then not written (outputs are written to a temporary name and
renamed).
"""

from __future__ import annotations

import argparse
import logging
import os
import pathlib
import shutil
import sys
import tempfile
from typing import List, Optional

__all__ = ["main"]

_ONNX_EMITS = {"ort": "onnx", "ort-int8": "onnx-int8", "standard": "onnx-standard"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="triton-dsl", description="The Triton DSL compiler for torch.export programs.")
    commands = parser.add_subparsers(dest="command", required=True)
    compile_ = commands.add_parser(
        "compile", help="compile a torch.export program (.pt2) for a target",
        description="Captures a torch.export.save file with triton_dsl.from_exported and "
                    "compiles it for a target, weights embedded.")
    compile_.add_argument("model", type=pathlib.Path, help="a torch.export.save file (.pt2)")
    compile_.add_argument("--target", default="pytorch",
                          help="pytorch (default), cpu, onnx, tri, or another registered target")
    compile_.add_argument("-o", "--output", type=pathlib.Path, required=True,
                          help="the output file (a directory for a target that writes several)")
    compile_.add_argument("--emit", default=None, help="the target's output kind (compile(emit=))")
    compile_.add_argument("--onnx-profile", choices=sorted(_ONNX_EMITS), default=None,
                          help="ONNX operators: ort (default), ort-int8 or standard")
    compile_.add_argument("-O", "--opt-level", type=int, choices=(0, 1, 2), default=2)
    compile_.add_argument("--quantizer", default="absmean",
                          help="absmean (default), threshold or stochastic")
    compile_.add_argument("--threshold", type=float, default=None)
    compile_.add_argument("--seed", type=int, default=0)
    compile_.add_argument("--per-channel", action="store_true",
                          help="one scale per output channel")
    compile_.add_argument("--name", default=None, help="the layer's name (default: the model's class)")
    return parser


class _Error(Exception):
    pass


def _emit_for(args) -> Optional[str]:
    if args.onnx_profile is not None:
        if args.target != "onnx":
            raise _Error("--onnx-profile is for --target=onnx")
        if args.emit is not None:
            raise _Error("give --onnx-profile or --emit, not both")
        return _ONNX_EMITS[args.onnx_profile]
    return args.emit


def _write(output: pathlib.Path, result) -> None:
    """Writes str/bytes to a file or {name: bytes} to a directory, atomically."""
    parent = output.resolve().parent
    if not parent.is_dir():
        raise _Error(f"cannot write {output}: {parent} is not a directory")
    if isinstance(result, dict):
        staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=parent))
        try:
            for name, data in result.items():
                (staging / name).write_bytes(data if isinstance(data, bytes) else data.encode())
            if output.is_dir():
                shutil.rmtree(output)
            os.replace(staging, output)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        return
    data = result if isinstance(result, bytes) else result.encode()
    fd, staging = tempfile.mkstemp(prefix=f".{output.name}.", dir=parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o666 & ~umask)  # mkstemp's file is 0600
        os.replace(staging, output)
    except BaseException:
        if os.path.exists(staging):
            os.unlink(staging)
        raise


def _compile(args) -> None:
    import torch

    from . import compile as compile_source
    from .compiler import CompileError, targets
    from .export import from_exported
    from .fx import UnsupportedOperationError

    known = sorted(targets())
    if args.target != "tri" and args.target not in known:
        raise _Error(f"unknown target '{args.target}' (known targets: tri, {', '.join(known)})")
    emit = _emit_for(args)
    if not args.model.is_file():
        raise _Error(f"{args.model}: no such file")
    quiet = logging.getLogger("torch.export")  # it logs a traceback before raising
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        exported = torch.export.load(args.model)
    except Exception as e:  # noqa: BLE001 - any unreadable file is the user's input
        raise _Error(f"{args.model}: not a torch.export program ({type(e).__name__}: {e})") from None
    finally:
        quiet.setLevel(level)
    try:
        program = from_exported(exported, quantizer=args.quantizer, per_channel=args.per_channel,
                                threshold=args.threshold, seed=args.seed, name=args.name)
    except (UnsupportedOperationError, ValueError, TypeError) as e:
        raise _Error(str(e)) from None
    if args.target == "tri":
        _write(args.output, program.source)
        return
    with tempfile.TemporaryDirectory() as folder:
        weights = os.path.join(folder, "weights.safetensors")
        program.save_weights(weights)
        options = {} if emit is None else {"emit": emit}
        try:
            result = compile_source(program.source, target=args.target, opt_level=args.opt_level,
                                    filename=f"<{args.model.name}>", weights=weights, **options)
        except (CompileError, ValueError) as e:
            raise _Error(str(e)) from None
    _write(args.output, result)


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "compile":
            _compile(args)
    except _Error as e:
        print(f"triton-dsl: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
