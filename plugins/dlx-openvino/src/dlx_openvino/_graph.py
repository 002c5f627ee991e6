"""Graph-building helpers shared by the kernels: dtypes, constants, promotion, and the numerics
rewrites PARITY.md asks of OpenVINO (compensated log1p / expm1, an accurate erf, multi-level
reductions and scans).

A *value* here is an ``openvino.Output`` (a graph edge) or a Python scalar (a weak-typed
constant that takes its partner's dtype, as in ``dlx.dtypes.result_type``).
"""

from __future__ import annotations

import math

import numpy as np
import openvino as ov
import openvino.opset16 as O

from dlx import dtypes

Output = ov.Output

_OV2DLX = {
    "f32": "float32", "f64": "float64", "f16": "float16", "bf16": "bfloat16", "i8": "int8",
    "i16": "int16", "i32": "int32", "i64": "int64", "u8": "uint8", "u16": "uint16", "u32": "uint32",
    "u64": "uint64", "boolean": "bool",
}
_DLX2OV = {v: k for k, v in _OV2DLX.items()}
_DLX2TYPE = {v: getattr(ov.Type, k) for v, k in _DLX2OV.items()}

# Chunk length of the multi-level reductions: no level accumulates more than this many terms
# sequentially (OpenVINO's CPU reductions are sequential).
CHUNK = 64


def ov_type(dtype: str) -> ov.Type:
    """The OpenVINO element type of a dlx dtype name."""
    return _DLX2TYPE[dtypes.standardize(dtype)]


def dt(v) -> str:
    """dlx dtype name of an Output."""
    return _OV2DLX[v.get_element_type().get_type_name()]


def shape(v) -> tuple[int, ...]:
    """The static shape of an Output. Read from the Shape's text ("[1,224,224,3]"): iterating
    the Shape costs ~3 us per dimension in the bindings (ResNet-50's trace reads ~7,000 shapes)."""
    text = v.get_shape().to_string()
    return tuple(map(int, text[1:-1].split(","))) if len(text) > 2 else ()


def ndim(v) -> int:
    return len(v.get_partial_shape())


def out(node):
    """First output of a node (Outputs pass through)."""
    return node if isinstance(node, Output) else node.output(0)


def const(value, dtype) -> Output:
    # OpenVINO reads a constant's buffer as C-contiguous: a strided view (np.moveaxis) must be copied
    return O.constant(np.asarray(value, dtypes.to_numpy_dtype(dtype), order="C")).output(0)


def i64(values) -> Output:
    return O.constant(np.asarray(values, np.int64)).output(0)


def is_out(v) -> bool:
    return isinstance(v, Output)


def as_output(v, dtype=None) -> Output:
    """A value as an Output (scalars become constants of their weak dtype or ``dtype``)."""
    if is_out(v):
        return v
    return const(v, dtype or result_type(v))


def dtype_of(v):
    """What ``dtypes.result_type`` needs: a dtype name for Outputs, the scalar itself otherwise."""
    return dt(v) if isinstance(v, Output) else v


def result_type(*vs) -> str:
    return dtypes.result_type(*(dtype_of(v) for v in vs if v is not None))


def cast(v, dtype) -> Output:
    """``v`` as an Output of ``dtype`` (a no-op when it already is)."""
    dtype = dtypes.standardize(dtype)
    if not isinstance(v, Output):
        return const(v, dtype)
    if dt(v) == dtype:
        return v
    if dtype == "bool":  # Convert(f -> boolean) maps NaN to False; NumPy says bool(nan) is True
        return out(O.not_equal(v, const(0, dt(v))))
    return out(O.convert(v, ov_type(dtype)))


def promote(*vs):
    """All values as Outputs of their promoted dtype (dlx's lattice, weak scalars)."""
    d = result_type(*vs)
    return (d, *[cast(v, d) for v in vs])


def float_dtype(d: str) -> str:
    return d if d in dtypes.FLOATS else dtypes.floatx()


def as_float(v) -> Output:
    if not isinstance(v, Output):
        return const(v, float_dtype(result_type(v)))
    return cast(v, float_dtype(dt(v)))


def fpromote(*vs):
    d = float_dtype(result_type(*vs))
    return (d, *[cast(v, d) for v in vs])


def full(value, shp, dtype) -> Output:
    return out(O.broadcast(const(value, dtype), i64(list(shp))))


def no_contract(x) -> Output:
    """``x`` unchanged (for non-NaN values) behind a ``Maximum(x, -inf)``: keeps the CPU plugin
    from contracting ``x``'s Multiply with a following Add into one FMA, where the spec rounds
    twice."""
    return out(O.maximum(x, const(-np.inf, dt(x))))


def select(c, a, b) -> Output:
    return out(O.select(c, a, b))


def isnan(x) -> Output:
    return out(O.is_nan(x))


def keep_nan(x, y) -> Output:
    """``y`` where ``x`` is not NaN, else NaN (OpenVINO's max/min/exp/reductions drop NaNs)."""
    return select(isnan(x), x, y)


def _nan_free_constant(v) -> bool:
    """Whether ``v`` is the output of a Constant holding no NaN (its ``isnan`` is known False:
    OpenVINO does not fold an IsNaN of a constant, and the Select it feeds kept the CPU plugin
    from running a ReLU in the layout of the convolution before it). Reads the data whatever its
    element type, unlike :func:`constant_data`: a bfloat16 constant's comes as float16 bits, and
    every bfloat16 NaN reads as a float16 NaN (its exponent bits include float16's), so no NaN is
    missed (a large finite value may read as one: the check is then emitted, as for any input)."""
    node = v.get_node()
    return node.get_type_name() == "Constant" and not np.isnan(node.get_data()).any()


def _nan_propagating(m, a, b) -> Output:
    """``m`` (OpenVINO's max or min of ``a`` and ``b``, which drops NaNs) with the NaN of ``a``,
    else of ``b``, put back, as the spec's ``np.maximum`` / ``np.minimum``."""
    if dt(m) not in dtypes.FLOATS:
        return m
    if not _nan_free_constant(b):
        m = select(isnan(b), b, m)
    if not _nan_free_constant(a):
        m = select(isnan(a), a, m)
    return m


def _extreme(fn, a, b) -> Output:
    """``fn`` (``O.maximum`` / ``O.minimum``) of ``a`` and ``b`` with NumPy's NaN propagation.

    Against a NaN-free constant (relu, the first half of a clip) no NaN check is emitted: the
    constant goes first, and the CPU plugin's float max / min (x86 ``vmaxps`` / ``vminps``;
    measured in f32 and f16, alone, after a convolution and inside snippets) return their
    *second* operand when either is NaN, so the other operand's NaN passes through. The IsNaN +
    Select pair saved is an Eltwise node and a snippet subgraph per ReLU (ResNet-50: 100 of them,
    much of ``compile_model``'s time). Not when the other operand is itself a Maximum / Minimum:
    OpenVINO fuses such a pair with constants into a Clamp (or an HSigmoid / HSwish), which drops
    NaNs, and the NaN check behind the second op is what keeps the pair from fusing. The
    conformance cases' NaN inputs hold all of this."""
    floats = dt(a) in dtypes.FLOATS
    if floats and _nan_free_constant(b) and not _nan_free_constant(a):
        a, b = b, a
    if floats and _nan_free_constant(a) and b.get_node().get_type_name() not in ("Maximum", "Minimum"):
        return out(fn(a, b))
    return _nan_propagating(out(fn(a, b)), a, b)


def maximum(a, b) -> Output:
    return sink_transposes(lambda a, b: _extreme(O.maximum, a, b), a, b)


def minimum(a, b) -> Output:
    return sink_transposes(lambda a, b: _extreme(O.minimum, a, b), a, b)


def norm_axes(axis, nd: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(nd))
    if isinstance(axis, (int, np.integer)):
        axis = (int(axis),)
    return tuple(sorted(int(a) % nd if nd else int(a) for a in axis))


def reshape(x, shp) -> Output:
    shp = tuple(int(s) for s in shp)
    if shape(x) == shp:
        return x
    return out(O.reshape(x, i64(list(shp)), False))


def transpose(x, perm) -> Output:
    perm = [int(p) for p in perm]
    if perm == list(range(len(perm))):
        return x
    inner = transposed(x)
    if inner is not None:  # a transpose of a transpose: one (none where they cancel)
        return transpose(inner[0], [inner[1][p] for p in perm])
    return out(O.transpose(x, i64(perm)))


def constant_data(v):
    """The values of a Constant's output as a NumPy array (None for other nodes, and for element
    types NumPy lacks: bf16 is read as float16 bits)."""
    node = v.get_node()
    if node.get_type_name() != "Constant":
        return None
    data = node.get_data()
    return data if data.dtype == dtypes.to_numpy_dtype(dt(v)) else None


def transposed(v):
    """``(source, perm)`` where ``v`` is a Transpose's output (by a constant perm), else None."""
    if not isinstance(v, Output):
        return None
    node = v.get_node()
    if node.get_type_name() != "Transpose":
        return None
    perm = node.input_value(1).get_node()
    if perm.get_type_name() != "Constant":
        return None
    return node.input_value(0), [int(p) for p in perm.get_data()]


def sink_transposes(fn, *vs) -> Output:
    """``fn(*vs)`` for an elementwise ``fn``; where its operands are Transposes by one perm (the
    others Python scalars or of lower or equal rank), computed on the Transposes' inputs, then
    transposed once. Kernels of a channels-last model work on channels-first convolutions'
    outputs (``Transpose(conv, [0, 2, 3, 1])``): a bias, a batch normalization, a ReLU or a
    residual add between two convolutions then sits between two Transposes that cancel
    (``transpose`` of a Transpose), and the CPU plugin fuses them with the convolution before
    them (it does not move Transposes itself: ResNet-50 ran 21 Transposes and 94 Reorders). The other
    operands are reshaped to the source layout: where that is not a reshape (their non-unit axes
    would change order), or an operand has a higher rank, ``fn(*vs)`` as given. Values are the
    same: an elementwise op does not depend on the axis order."""
    found = [transposed(v) for v in vs]
    perms = {tuple(f[1]) for f in found if f is not None}
    if len(perms) != 1:
        return fn(*vs)
    perm = list(perms.pop())
    rank = len(perm)
    args = []
    for v, f in zip(vs, found):
        if f is not None:
            args.append(f[0])
            continue
        if not isinstance(v, Output):
            args.append(v)
            continue
        shp = shape(v)
        if len(shp) > rank:
            return fn(*vs)
        padded = (1,) * (rank - len(shp)) + shp
        axes = [perm[a] for a in range(rank) if padded[a] != 1]  # where each non-unit axis goes
        if axes != sorted(axes):
            return fn(*vs)
        moved = [padded[p] for p in _inverse(perm)]
        data = constant_data(v)
        if all(d == 1 for d in shp):
            args.append(v)  # broadcasts alike in every layout
        elif data is not None:
            args.append(O.constant(np.ascontiguousarray(data).reshape(moved)).output(0))
        else:
            args.append(out(O.reshape(v, i64(moved), False)))
    return transpose(fn(*args), perm)


def _inverse(perm):
    """The inverse permutation of ``perm``."""
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return inv


def dummy(shp):
    """A zero-stride NumPy array of shape ``shp``: NumPy computes shape rules on it for free."""
    return np.broadcast_to(np.empty((), bool), tuple(shp))


# ------------------------------------------------------------------------------ numerics rewrites
def exp(x) -> Output:
    """exp with NaN propagation (OpenVINO's Exp maps NaN to +inf)."""
    return keep_nan(x, out(O.exp(x)))


def log1p(x) -> Output:
    """Compensated ``log(1 + x)``: ``log(u) * x / (u - 1)`` with ``u = 1 + x`` (Goldberg), exact
    at ``u == 1``; there is no native Log1p."""
    d = dt(x)
    one = const(1, d)
    u = out(O.add(x, one))
    um1 = out(O.subtract(u, one))
    safe = select(out(O.equal(um1, const(0, d))), one, um1)
    r = out(O.divide(out(O.multiply(out(O.log(u)), x)), safe))
    r = select(out(O.equal(u, one)), x, r)
    return select(out(O.is_inf(x, {"detect_negative": False})), x, r)


def expm1(x) -> Output:
    """Kahan's compensated ``exp(x) - 1``: ``(u - 1) * x / log(u)`` with ``u = exp(x)``."""
    d = dt(x)
    one = const(1, d)
    u = exp(x)
    um1 = out(O.subtract(u, one))
    lu = out(O.log(u))
    safe = select(out(O.equal(lu, const(0, d))), one, lu)
    r = out(O.divide(out(O.multiply(um1, x)), safe))
    r = select(out(O.equal(u, one)), x, r)
    r = select(out(O.equal(um1, const(-1, d))), const(-1, d), r)
    return select(out(O.is_inf(u, {"detect_negative": False})), u, r)


def log1p_small(y) -> Output:
    """``log1p(y)`` for ``y`` in ``[0, 1]`` as ``2 * atanh(y / (y + 2))``: accurate, and not a
    pattern the SoftPlus fusion recognizes."""
    d = dt(y)
    t = out(O.divide(y, out(O.add(y, const(2, d)))))
    return out(O.multiply(out(O.atanh(t)), const(2, d)))


def softplus(x) -> Output:
    """``max(x, 0) + log1p(exp(-|x|))`` (native SoftPlus returns negative values)."""
    d = dt(x)
    y = out(O.exp(out(O.negative(out(O.abs(x))))))
    return keep_nan(x, out(O.add(out(O.maximum(x, const(0, d))), log1p_small(y))))


_ERF_TAYLOR = [2 / math.sqrt(math.pi) * (-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(10)]


def erf(x) -> Output:
    """erf: a Taylor polynomial ``x * P(x^2)`` for ``|x| < 0.5`` (the native Erf is off by up to
    2.4% there), the native Erf elsewhere (within 5 ULP on ``|x| >= 0.5``, measured)."""
    d = dt(x)
    t = out(O.multiply(x, x))
    p = const(_ERF_TAYLOR[-1], d)
    for c in reversed(_ERF_TAYLOR[:-1]):
        p = out(O.add(out(O.multiply(p, t)), const(c, d)))
    small = out(O.less(out(O.abs(x)), const(0.5, d)))
    return select(small, out(O.multiply(x, p)), out(O.erf(x)))


_GILES_SMALL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                -0.00417768164, 0.246640727, 1.50140941)
_GILES_LARGE = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                0.00943887047, 1.00167406, 2.83297682)


def erfinv(x) -> Output:
    """Giles' single-precision inverse error function (within 4 ULP in float32, measured); the
    native ErfInv is off by thousands of ULP."""
    d = dt(x)
    one = const(1, d)
    w = out(O.negative(out(O.log(out(O.multiply(out(O.subtract(one, x)), out(O.add(one, x))))))))
    small = out(O.less(w, const(5, d)))
    ws = out(O.subtract(w, const(2.5, d)))
    wl = out(O.subtract(out(O.sqrt(select(small, const(5, d), w))), const(3, d)))
    p1 = const(_GILES_SMALL[0], d)
    for c in _GILES_SMALL[1:]:
        p1 = out(O.add(const(c, d), out(O.multiply(p1, ws))))
    p2 = const(_GILES_LARGE[0], d)
    for c in _GILES_LARGE[1:]:
        p2 = out(O.add(const(c, d), out(O.multiply(p2, wl))))
    y = out(O.multiply(select(small, p1, p2), x))
    ax = out(O.abs(x))
    y = select(out(O.equal(ax, one)), out(O.multiply(x, const(np.inf, d))), y)
    return select(out(O.greater(ax, one)), const(np.nan, d), y)


# ------------------------------------------------------------------------------ reductions
def _levels(n: int) -> tuple[int, int]:
    """(levels, chunk) so that chunk ** levels >= n with chunk <= CHUNK (about)."""
    levels = max(1, math.ceil(math.log(n) / math.log(CHUNK))) if n > 1 else 1
    k = max(2, math.ceil(n ** (1.0 / levels)))
    while k ** levels < n:
        k += 1
    return levels, k


def tree_sum(x, axes, keepdims: bool) -> Output:
    """Sum over ``axes`` accumulated in levels of at most ~``CHUNK`` terms (error grows with the
    number of levels, not with n)."""
    shp = shape(x)
    nd = len(shp)
    axes = tuple(sorted(axes))
    n = 1
    for a in axes:
        n *= shp[a]
    out_shape = tuple(1 if i in axes else s for i, s in enumerate(shp)) if keepdims else \
        tuple(s for i, s in enumerate(shp) if i not in axes)
    if not axes:
        return x
    if n <= CHUNK or 0 in shp:
        return out(O.reduce_sum(x, i64(list(axes)), keepdims))
    keep = [i for i in range(nd) if i not in axes]
    xt = transpose(x, keep + list(axes))
    lead = [shp[i] for i in keep]
    xt = reshape(xt, [*lead, n])
    levels, k = _levels(n)
    total = k ** levels
    if total > n:
        pads_b = [0] * (len(lead) + 1)
        pads_e = [0] * len(lead) + [total - n]
        xt = out(O.pad(xt, i64(pads_b), i64(pads_e), "constant", const(0, dt(x))))
    m = total
    for _ in range(levels):
        xt = reshape(xt, [*lead, m // k, k])
        xt = out(O.reduce_sum(xt, i64([len(lead) + 1]), False))
        m //= k
    xt = reshape(xt, lead)
    return reshape(xt, out_shape)


def scan_sum(x, axis: int) -> Output:
    """Inclusive cumulative sum along ``axis``; long float scans run blockwise (a scan inside
    blocks of ~sqrt(n) plus a scan of the block totals)."""
    shp = shape(x)
    n = shp[axis]
    ax = i64(axis)
    if n <= 4 * CHUNK or dt(x) not in dtypes.FLOATS:
        return out(O.cum_sum(x, ax))
    nd = len(shp)
    perm = [i for i in range(nd) if i != axis] + [axis]
    xt = transpose(x, perm)
    lead = [shp[i] for i in perm[:-1]]
    k = math.ceil(math.sqrt(n))
    m = math.ceil(n / k)
    if m * k > n:
        xt = out(O.pad(xt, i64([0] * nd), i64([0] * (nd - 1) + [m * k - n]), "constant", const(0, dt(x))))
    blocks = reshape(xt, [*lead, m, k])
    inner = out(O.cum_sum(blocks, i64(len(lead) + 1)))
    totals = out(O.reduce_sum(blocks, i64([len(lead) + 1]), True))
    offsets = out(O.cum_sum(totals, i64(len(lead)), True))  # exclusive scan of the block totals
    y = reshape(out(O.add(inner, offsets)), [*lead, m * k])
    if m * k > n:
        y = out(O.slice(y, i64([0]), i64([n]), i64([1]), i64([len(lead)])))
    inv = list(np.argsort(perm))
    return transpose(y, inv)


def reduce_shape(x, axes, keepdims) -> tuple[int, ...]:
    """The shape of a reduction of ``x`` over ``axes``."""
    shp = shape(x)
    if keepdims:
        return tuple(1 if i in axes else s for i, s in enumerate(shp))
    return tuple(s for i, s in enumerate(shp) if i not in axes)


# ------------------------------------------------------------------------------ integer shifts
def shift_left_const(a, r: int):
    """``a << r`` for a 32-bit integer ``a`` and a constant ``r``: a wrapping multiply by ``2**r``
    (OpenVINO's CPU shift ops run a slow reference path: ~1 ms per op on 64K elements)."""
    if r == 0:
        return a
    return out(O.multiply(a, const(1 << r, dt(a))))


def shift_right_const(a, s: int):
    """Logical ``a >> s`` for 32-bit ``a`` (int32 / uint32 bit patterns) and a constant ``s``,
    without the slow shift ops: the bits that survive, masked in place, are an exact float32
    value (at most 24 significant bits per piece), so a multiply by ``2**-s`` moves them down
    exactly; an integer mask then clears the sign extension."""
    d = dt(a)
    if s == 0:
        return a
    if s >= 32:
        return out(O.multiply(a, const(0, d)))
    i32, f32 = "int32", "float32"
    ai = cast(a, i32)

    def piece(mask: int, keep_bits: int):
        v = out(O.bitwise_and(ai, const(np.array(mask & 0xFFFFFFFF, np.uint32).view(np.int32), i32)))
        if s < 31:  # an exact division (the CPU divides through float32: exact for <= 24 bits)
            v = out(O.divide(v, const(1 << s, i32)))
        else:
            v = cast(out(O.multiply(cast(v, f32), const(2.0 ** -s, f32))), i32)
        return out(O.bitwise_and(v, const((1 << keep_bits) - 1, i32)))

    if 32 - s <= 24:
        r = piece(~((1 << s) - 1), 32 - s)
    else:  # two pieces: the top 16 bits, and bits [s, 16)
        r = out(O.bitwise_or(piece(0xFFFF0000, 32 - s), piece(0xFFFF & ~((1 << s) - 1), 16 - s)))
    return cast(r, d)


def logical_right_shift(a, b):
    """``a >> b`` for unsigned ``a``: OpenVINO shifts uint32 arithmetically, so the bits shifted
    in from the top are masked off (``b`` in ``[0, 31]``)."""
    d = dt(a)
    if not d.startswith("uint"):
        return out(O.bitwise_right_shift(a, b if is_out(b) else const(int(b), d)))
    bits = 8 * np.dtype(d).itemsize
    if not is_out(b) and bits == 32:
        return shift_right_const(a, int(b))
    s = out(O.bitwise_right_shift(a, b if is_out(b) else const(int(b), d)))
    ones = const(np.iinfo(np.dtype(d)).max, d)
    if not is_out(b):
        bv = int(b)
        return out(O.bitwise_and(s, const((1 << (bits - bv)) - 1 if bv else np.iinfo(np.dtype(d)).max, d)))
    hi = out(O.bitwise_left_shift(out(O.bitwise_left_shift(ones, out(O.subtract(const(bits - 1, d), b)))), const(1, d)))
    return out(O.bitwise_and(s, out(O.bitwise_not(hi))))
