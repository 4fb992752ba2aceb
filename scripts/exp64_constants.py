# Prints the constants of src/cpu/wasm/exp64.ts (float64 e^x): ln 2 / 64
# split for Cody and Waite's reduction, and 2^(j/64) for j < 64 as a double
# and the double nearest its remainder. Run with Debian's python3:
#   /usr/bin/python3 scripts/exp64_constants.py
import struct
from decimal import Decimal, getcontext

getcontext().prec = 60
LN2 = Decimal(2).ln()


def bits(x):
    return struct.unpack('<Q', struct.pack('<d', x))[0]


def double(b):
    return struct.unpack('<d', struct.pack('<Q', b))[0]


# ln 2 / 64 with its 28 low mantissa bits cleared: k * HI is exact for |k| < 2^17.
hi = double(bits(float(LN2 / 64)) & ~((1 << 28) - 1))
lo = float(LN2 / 64 - Decimal(hi))
print(f'const INV_LN2_64 = {float(64 / LN2)!r};')
print(f'const LN2_64_HI = {hi!r};')
print(f'const LN2_64_LO = {lo!r};')
pairs = []
for j in range(64):
    t = Decimal(2) ** (Decimal(j) / 64)
    h = float(t)
    pairs.append((h, float(t - Decimal(h))))
print('// 2^(j/64) as [hi, lo] pairs')
print('const TABLE = [')
for h, l in pairs:
    print(f'  {h!r}, {l!r},')
print('];')
