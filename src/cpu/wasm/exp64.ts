// e^x in float64, one method in two places: asm/elementwise.ts's exp64
// (f64x2, for large operands) and exp64 here (its JS twin, for the rest),
// the same IEEE operations in the same order with the same constants (the
// module's are copied from EXP64_CONSTANTS when it loads), so a float64 exp
// gives the same bits at any size and batched calls agree with unbatched
// ones. Within 1 ulp of the exact result (measured in the tests); Math.exp
// is not used because its bits are not wasm's.
//
// The method (Tang's table-driven reduction): k = round(x 64 / ln 2) (by
// adding 1.5 * 2^52), r = x - k ln 2 / 64 in two parts (Cody and Waite; the
// high part has 25 bits, so k * LN2_64_HI is exact), |r| <= ln 2 / 128;
// e^r - 1 = r + r^2 (1/2! + ... + r^4/6!) (Taylor: truncation below 3e-20);
// with j = k mod 64 and m = (k - j) / 64,
//   e^x = 2^m (T_j + (T_j p + t_j)),  T_j + t_j = 2^(j/64) (T_j a double),
// the power applied as 2^m1 2^m2 (m1 = floor(m / 2)) so both are normal and
// the one rounding is the last product's (overflow, gradual underflow). x is
// clamped to [-746, 710] first, where e^x is already 0 or infinity; NaN
// passes through. Constants: scripts/exp64_constants.py.

/** The constants' layout, shared with asm/elementwise.ts (indices of float64 values). */
export const EXP64 = {
  INV_LN2_64: 0,
  MAGIC: 1,
  LN2_64_HI: 2,
  LN2_64_LO: 3,
  HI: 4,
  LO: 5,
  C2: 6,
  TABLE: 16,
  LENGTH: 144,
} as const;

const INV_LN2_64 = 92.33248261689366;
const MAGIC = 6755399441055744;
/** x is clamped to [LO, HI]: beyond it e^x is already 0 or infinity. */
const HI = 710,
  LO = -746;
const LN2_64_HI = 0.010830424260348082;
const LN2_64_LO = 4.3590106387089914e-10;
const C2 = 0.5,
  C3 = 0.16666666666666666,
  C4 = 0.041666666666666664,
  C5 = 0.008333333333333333,
  C6 = 0.001388888888888889;
/** 2^(j/64) for j < 64 as [T_j, t_j] pairs (2^(32/64)'s T is Math.SQRT2, the same double). */
const TABLE = new Float64Array([
  1,
  0,
  1.0108892860517005,
  -1.5234778603368577e-17,
  1.0218971486541166,
  5.109225028973444e-17,
  1.0330248790212284,
  7.600838874027088e-18,
  1.0442737824274138,
  8.551889705537965e-17,
  1.0556451783605572,
  1.759325738772092e-18,
  1.0671404006768237,
  -7.899853966841582e-17,
  1.0787607977571199,
  -6.656660436056593e-17,
  1.0905077326652577,
  -3.046782079812471e-17,
  1.102382583307841,
  5.2660368715706944e-17,
  1.1143867425958924,
  1.0410278456845571e-16,
  1.1265216186082418,
  5.165856758795457e-17,
  1.1387886347566916,
  8.912812676025408e-17,
  1.1511892299529827,
  3.250710218863827e-17,
  1.1637248587775775,
  3.8292048369240935e-17,
  1.1763969916502812,
  5.554203254218079e-17,
  1.189207115002721,
  3.982015231465646e-17,
  1.202156731452703,
  6.644981499252301e-17,
  1.215247359980469,
  -7.712630692681488e-17,
  1.22848053610687,
  -1.89878163130253e-17,
  1.241857812073484,
  4.658027591836937e-17,
  1.255380757024691,
  -6.7113898212968784e-18,
  1.2690509571917332,
  2.667932131342186e-18,
  1.2828700160787783,
  1.713594918243561e-17,
  1.2968395546510096,
  2.5382502794888315e-17,
  1.3109612115247644,
  -7.181536135519454e-17,
  1.3252366431597413,
  -2.8587312100388614e-17,
  1.339667524053303,
  8.927282594831732e-17,
  1.3542555469368927,
  7.70094837980299e-17,
  1.3690024229745905,
  9.593797919118849e-17,
  1.383909881963832,
  -6.770511658794786e-17,
  1.3989796725383112,
  -9.614213209051323e-17,
  Math.SQRT2,
  -9.667293313452913e-17,
  1.42961333839197,
  -1.2031642489053655e-17,
  1.4451808069770467,
  -3.0237581349939873e-17,
  1.460917794180647,
  -5.600377186075216e-17,
  1.4768261459394993,
  -3.483994556892796e-17,
  1.4929077282912648,
  1.4192920154284036e-17,
  1.5091644275934228,
  -1.016455327754295e-16,
  1.5255981507445384,
  -1.1024941712342561e-16,
  1.5422108254079407,
  7.949834809697621e-17,
  1.559004400237837,
  3.7812070533575275e-17,
  1.5759808451078865,
  -1.0136916471278304e-17,
  1.593142151342267,
  -1.0094406542311964e-16,
  1.6104903319492543,
  2.4707192569797888e-17,
  1.6280274218573478,
  -6.712955084707084e-17,
  1.645755478153965,
  -1.0125679913674773e-16,
  1.6636765803267364,
  5.8909926967131e-17,
  1.681792830507429,
  8.199010020581497e-17,
  1.7001063537185235,
  -8.0237193703977e-18,
  1.718619298122478,
  -1.851380418263111e-17,
  1.7373338352737062,
  3.164389299292957e-17,
  1.7562521603732995,
  2.960140695448873e-17,
  1.7753764925265212,
  6.429731796556572e-17,
  1.7947090750031072,
  1.8227458427912087e-17,
  1.8142521755003989,
  -9.969531538920349e-17,
  1.8340080864093424,
  3.283107224245627e-17,
  1.8539791250833855,
  9.761887490727594e-17,
  1.8741676341103,
  -6.122763413004143e-17,
  1.8945759815869656,
  3.4034035352165297e-17,
  1.9152065613971474,
  -1.0619946056195963e-16,
  1.9360617934922943,
  1.0332385960676326e-16,
  1.9571441241754002,
  8.960767791036668e-17,
  1.978456026387951,
  4.0388753109278167e-17,
]);

/** Every constant, at its EXP64 index. */
export const EXP64_CONSTANTS: Float64Array = (() => {
  const c = new Float64Array(EXP64.LENGTH);
  c[EXP64.INV_LN2_64] = INV_LN2_64;
  c[EXP64.MAGIC] = MAGIC;
  c[EXP64.LN2_64_HI] = LN2_64_HI;
  c[EXP64.LN2_64_LO] = LN2_64_LO;
  c[EXP64.HI] = HI;
  c[EXP64.LO] = LO;
  c.set([C2, C3, C4, C5, C6], EXP64.C2);
  c.set(TABLE, EXP64.TABLE);
  return c;
})();

/** Powers of two 2^(i - 600) for the halves of m: all normal, all exact. */
const POW2 = Float64Array.from({ length: 1200 }, (_, i) => 2 ** (i - 600));

export function exp64(x: number): number {
  if (x !== x) return x;
  const xc = Math.max(Math.min(x, HI), LO);
  const k = xc * INV_LN2_64 + MAGIC - MAGIC;
  const r = xc - k * LN2_64_HI - k * LN2_64_LO;
  const p = r + r * r * (C2 + r * (C3 + r * (C4 + r * (C5 + r * C6))));
  const j = k & 63;
  const hi = TABLE[2 * j]!;
  const y = hi + (hi * p + TABLE[2 * j + 1]!);
  const m = k >> 6;
  const m1 = m >> 1;
  return y * POW2[m1 + 600]! * POW2[m - m1 + 600]!;
}

/** o[i] = e^(a[off + i]) for i < n. */
export function exp64Run(o: Float64Array, a: Float64Array, off: number, n: number): void {
  for (let i = 0; i < n; i++) o[i] = exp64(a[off + i]!);
}
