// Geometry: rectangle area, hypotenuse, right-triangle area from a leg, triangle
// area from coordinates (shoelace), rectangle perimeter from a diagonal.
import { defineForm, type Form } from '../form';
import { formatRational, rational } from '../rational';
import type { Rng } from '../rng';

const TRIPLES: [number, number, number][] = [
  [3, 4, 5],
  [5, 12, 13],
  [8, 15, 17],
  [7, 24, 25],
  [20, 21, 29],
  [9, 40, 41],
  [12, 35, 37],
  [11, 60, 61],
  [28, 45, 53],
  [33, 56, 65],
  [16, 63, 65],
  [48, 55, 73],
  [13, 84, 85],
  [36, 77, 85],
  [39, 80, 89],
  [65, 72, 97],
];

function triple(rng: Rng): [number, number, number] {
  const [a, b, c] = rng.pick(TRIPLES);
  const k = a > 10 ? rng.int(1, 3) : rng.int(1, 9);
  return rng.chance(0.5) ? [a * k, b * k, c * k] : [b * k, a * k, c * k];
}

const isSquare = (n: number) => Number.isInteger(Math.sqrt(n));

const rectangleArea = defineForm<{ w: number; h: number }>({
  topic: 'geometry',
  difficulty: 1,
  draw: (rng) => ({ w: rng.int(3, 30), h: rng.int(2, 25) }),
  render: ({ w, h }) => `A rectangle has sides ${w} and ${h}. Find its area.`,
  pattern: /A rectangle has sides (?<w>\d+) and (?<h>\d+)\. Find its area\./,
  read: (g) => ({ w: Number(g.w), h: Number(g.h) }),
  solve: ({ w, h }) => rational(w * h),
  explain: ({ w, h }) => [
    `Area = length \\times width = ${w} \\times ${h}.`,
    `The area is ${w * h}.`,
  ],
});

const hypotenuse = defineForm<{ a: number; b: number }>({
  topic: 'geometry',
  difficulty: 2,
  draw: (rng) => {
    const [a, b] = triple(rng);
    return { a, b };
  },
  render: ({ a, b }) => `A right triangle has legs ${a} and ${b}. Find its hypotenuse.`,
  pattern: /A right triangle has legs (?<a>\d+) and (?<b>\d+)\. Find its hypotenuse\./,
  read: (g) => ({ a: Number(g.a), b: Number(g.b) }),
  valid: ({ a, b }) => isSquare(a * a + b * b),
  solve: ({ a, b }) => rational(Math.sqrt(a * a + b * b)),
  explain: ({ a, b }) => [
    `By Pythagoras, c^2 = ${a}^2 + ${b}^2 = ${a * a + b * b}.`,
    `So c = ${Math.sqrt(a * a + b * b)}.`,
  ],
});

const legArea = defineForm<{ c: number; a: number }>({
  topic: 'geometry',
  difficulty: 3,
  draw: (rng) => {
    const [a, , c] = triple(rng);
    return { c, a };
  },
  render: ({ c, a }) => `A right triangle has hypotenuse ${c} and a leg of ${a}. Find its area.`,
  pattern: /A right triangle has hypotenuse (?<c>\d+) and a leg of (?<a>\d+)\. Find its area\./,
  read: (g) => ({ c: Number(g.c), a: Number(g.a) }),
  valid: ({ c, a }) => c > a && isSquare(c * c - a * a),
  solve: ({ c, a }) => rational(a * Math.sqrt(c * c - a * a), 2),
  explain: ({ c, a }) => {
    const b = Math.sqrt(c * c - a * a);
    return [
      `The other leg is \\sqrt{${c}^2 - ${a}^2} = ${b}.`,
      `Area = ${a} \\times ${b} / 2 = ${formatRational(rational(a * b, 2))}.`,
    ];
  },
});

type Point = [number, number];
const shoelace = (p: Point, q: Point, r: Point) =>
  Math.abs(p[0] * (q[1] - r[1]) + q[0] * (r[1] - p[1]) + r[0] * (p[1] - q[1]));

const coordinates = defineForm<{ p: Point; q: Point; r: Point }>({
  topic: 'geometry',
  difficulty: 4,
  draw: (rng) => {
    const point = (): Point => [rng.int(-6, 10), rng.int(-6, 10)];
    return { p: point(), q: point(), r: point() };
  },
  render: ({ p, q, r }) =>
    `Find the area of the triangle with vertices (${p.join(', ')}), (${q.join(', ')}) and (${r.join(', ')}).`,
  pattern:
    /Find the area of the triangle with vertices \((?<px>-?\d+), (?<py>-?\d+)\), \((?<qx>-?\d+), (?<qy>-?\d+)\) and \((?<rx>-?\d+), (?<ry>-?\d+)\)\./,
  read: (g) => ({
    p: [Number(g.px), Number(g.py)],
    q: [Number(g.qx), Number(g.qy)],
    r: [Number(g.rx), Number(g.ry)],
  }),
  valid: ({ p, q, r }) => shoelace(p, q, r) > 0,
  solve: ({ p, q, r }) => rational(shoelace(p, q, r), 2),
  explain: ({ p, q, r }) => [
    `By the shoelace formula the doubled area is ${shoelace(p, q, r)}.`,
    `So the area is ${formatRational(rational(shoelace(p, q, r), 2))}.`,
  ],
});

const perimeter = defineForm<{ d: number; a: number }>({
  topic: 'geometry',
  difficulty: 5,
  draw: (rng) => {
    const [a, , c] = triple(rng);
    return { d: c, a };
  },
  render: ({ d, a }) =>
    `A rectangle has a diagonal of ${d} and one side of ${a}. Find its perimeter.`,
  pattern:
    /A rectangle has a diagonal of (?<d>\d+) and one side of (?<a>\d+)\. Find its perimeter\./,
  read: (g) => ({ d: Number(g.d), a: Number(g.a) }),
  valid: ({ d, a }) => d > a && isSquare(d * d - a * a),
  solve: ({ d, a }) => rational(2 * (a + Math.sqrt(d * d - a * a))),
  explain: ({ d, a }) => {
    const b = Math.sqrt(d * d - a * a);
    return [
      `The other side is \\sqrt{${d}^2 - ${a}^2} = ${b}.`,
      `Perimeter = 2(${a} + ${b}) = ${2 * (a + b)}.`,
    ];
  },
});

export const geometryForms: Form[] = [rectangleArea, hypotenuse, legArea, coordinates, perimeter];
