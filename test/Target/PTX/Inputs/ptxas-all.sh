# ptxas-all.sh TRITONC PTXAS WORKDIR PROGRAM... : compiles every program with
# --target=ptx for sm_80 and sm_90 and runs ptxas -arch=<chip> on the .ptx;
# prints one line per (chip, program) and "all PTX accepted" at the end, or
# FAIL lines (and exits 1). A program P.tri with a P.weights.safetensors
# beside it compiles with those weights bound.
tritonc=$1; ptxas=$2; work=$3; shift 3
status=0
for program in "$@"; do
  name=$(basename "$program" .tri)
  weights=
  [ -f "${program%.tri}.weights.safetensors" ] &&
    weights="--weights=${program%.tri}.weights.safetensors"
  for chip in sm_80 sm_90; do
    out="$work/$name.$chip"
    if ! "$tritonc" "$program" --target=ptx --gpu-chip=$chip $weights -o "$out" 2> "$out.err"; then
      echo "FAIL compile $chip $name: $(head -1 "$out.err")"; status=1; continue
    fi
    if grep -q "^.target $chip" "$out/$name.ptx" &&
       sh -c "$ptxas -arch=$chip \"$out/$name.ptx\" -o \"$out/$name.cubin\"" 2> "$out.ptxas"; then
      echo "ptxas $chip ok $name"
    else
      echo "FAIL ptxas $chip $name: $(head -3 "$out.ptxas")"; status=1
    fi
  done
done
[ $status = 0 ] && echo "all PTX accepted"
exit $status
