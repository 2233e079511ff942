#!/usr/bin/env node
// Generates the demo district shipped in data/demo/yicheng/:
//   regions.geojson   峄城区 → 7 towns (镇/街道) → villages and communities (村/社区) → grids (网格)
//   departments.json  the district's departments (单位/科室) and positions (职务)
//
// Usage: node scripts/gen-demo-district.mjs [output-dir]   (default: data/demo/yicheng)
//
// The town names and 12-digit codes are the real ones. The villages and communities are plausible
// names for a demo, not an official list, and every SHAPE IS SYNTHETIC: it only looks like a
// district on a map. The output is a pure function of this file (no randomness, no clock), so
// re-running it reproduces the same bytes.
//
// How the shapes stay exact: the district is a set of cells of a lattice, every region at every
// level is a union of those cells, and a region's ring walks the lattice vertices along its border.
// Each lattice vertex is warped and jittered once and rounded once, so two neighbours share their
// border vertex for vertex, and a region partitions into its children with no gap and no overlap.
// Cuts are half-planes in lattice space; a half-plane of an orthogonally convex cell set (every
// row and column an interval) is again orthogonally convex, hence without holes or pinches, so each
// region is one simple Polygon. Connectivity is checked after every cut.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Lattice

const kLng0 = 117.432;    // west edge of the lattice
const kLat0 = 34.694;     // south edge
const kCellLng = 0.0015;  // ≈ 137 m at 34.8°N
const kCellLat = 0.00125; // ≈ 139 m
const kNx = 204;          // columns of cells
const kNy = 124;          // rows of cells
const kDecimals = 6;      // ≈ 0.1 m

// A 32-bit integer hash of a few integers, mapped to [0, 1). Deterministic and order-free.
function hash01(...values) {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return (h >>> 0) / 4294967296;
}

function round(value) {
  return Number(value.toFixed(kDecimals));
}

// Lattice vertex (i, j), 0 ≤ i ≤ kNx, 0 ≤ j ≤ kNy, in lng/lat. A smooth warp (amplitude of a
// couple of cells, gentle gradient) bends straight cuts into curves; a small per-vertex jitter
// roughens them. Both are small enough that every cell stays a convex quadrilateral (checked).
const vertexCache = new Map();
function vertex(i, j) {
  const key = i * 1000 + j;
  let v = vertexCache.get(key);
  if (v) return v;
  const wx = 3.6 * Math.sin(0.0355 * j + 0.0225 * i + 0.6) + 1.8 * Math.sin(0.065 * j - 0.025 * i + 2.3);
  const wy = 2.8 * Math.sin(0.031 * i + 0.015 * j + 1.1) + 1.4 * Math.sin(0.075 * i + 0.04 * j + 0.4);
  const jx = (hash01(i, j, 1) - 0.5) * 0.24;
  const jy = (hash01(i, j, 2) - 0.5) * 0.24;
  v = [round(kLng0 + (i + wx + jx) * kCellLng), round(kLat0 + (j + wy + jy) * kCellLat)];
  vertexCache.set(key, v);
  return v;
}

function cellId(i, j) { return j * kNx + i; }
function cellI(id) { return id % kNx; }
function cellJ(id) { return Math.floor(id / kNx); }

function checkCellsConvex() {
  for (let j = 0; j < kNy; ++j) {
    for (let i = 0; i < kNx; ++i) {
      const q = [vertex(i, j), vertex(i + 1, j), vertex(i + 1, j + 1), vertex(i, j + 1)];
      for (let k = 0; k < 4; ++k) {
        const a = q[k], b = q[(k + 1) % 4], c = q[(k + 2) % 4];
        const cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
        if (!(cross > 0)) throw new Error(`cell ${i},${j} is not convex`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Cell sets

// The district: cells whose centres fall in a lobed star shape, then closed to its orthogonally
// convex hull (fill every row and column between its extremes until nothing changes).
function districtCells() {
  const inside = new Uint8Array(kNx * kNy);
  const cx = kNx / 2, cy = kNy / 2, rx = 80, ry = 54;
  for (let j = 0; j < kNy; ++j) {
    for (let i = 0; i < kNx; ++i) {
      const u = (i + 0.5 - cx) / rx, v = (j + 0.5 - cy) / ry;
      const t = Math.atan2(v, u);
      const limit = 1 + 0.13 * Math.sin(3 * t + 0.5) + 0.08 * Math.sin(5 * t + 1.3) +
                    0.05 * Math.sin(8 * t + 2.0) + 0.06 * Math.cos(2 * t - 0.4);
      if (Math.hypot(u, v) < limit) inside[cellId(i, j)] = 1;
    }
  }
  for (let changed = true; changed;) {
    changed = false;
    const fill = (ids) => {
      const hit = ids.filter((id) => inside[id]);
      if (hit.length < 2) return;
      const lo = ids.indexOf(hit[0]), hi = ids.indexOf(hit[hit.length - 1]);
      for (let k = lo; k <= hi; ++k) {
        if (!inside[ids[k]]) { inside[ids[k]] = 1; changed = true; }
      }
    };
    for (let j = 0; j < kNy; ++j) fill([...Array(kNx).keys()].map((i) => cellId(i, j)));
    for (let i = 0; i < kNx; ++i) fill([...Array(kNy).keys()].map((j) => cellId(i, j)));
  }
  const cells = [];
  for (let id = 0; id < kNx * kNy; ++id) if (inside[id]) cells.push(id);
  return cells;
}

function isConnected(cells) {
  if (cells.length === 0) return false;
  const set = new Set(cells);
  const seen = new Set([cells[0]]);
  const stack = [cells[0]];
  while (stack.length) {
    const id = stack.pop();
    const i = cellI(id), j = cellJ(id);
    for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const ni = i + di, nj = j + dj;
      if (ni < 0 || nj < 0 || ni >= kNx || nj >= kNy) continue;
      const n = cellId(ni, nj);
      if (set.has(n) && !seen.has(n)) { seen.add(n); stack.push(n); }
    }
  }
  return seen.size === cells.length;
}

// Splits `cells` among `items` ([{weight, target?: [i, j]}]) by recursive half-plane cuts
// (a k-d split), returning one cell list per item in item order. A cut runs across the set's
// long axis, turned by a deterministic angle; when a cut would leave a piece disconnected or too
// small, the next angle is tried.
function partition(cells, items, salt, minCells) {
  if (items.length === 1) return [cells];
  const pts = cells.map((id) => [cellI(id) + 0.5, cellJ(id) + 0.5]);
  const n = cells.length;
  const mx = pts.reduce((s, p) => s + p[0], 0) / n, my = pts.reduce((s, p) => s + p[1], 0) / n;
  let sxx = 0, syy = 0, sxy = 0;
  for (const [x, y] of pts) { sxx += (x - mx) ** 2; syy += (y - my) ** 2; sxy += (x - mx) * (y - my); }
  const major = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const turn = (hash01(salt, items.length, 7) - 0.5) * 0.6;
  const offsets = [0, 0.26, -0.26, 0.52, -0.52, 0.79, -0.79, 1.05, -1.05, 1.31, -1.31, 1.57];
  for (const offset of offsets) {
    const angle = major + turn + offset;
    const dx = Math.cos(angle), dy = Math.sin(angle);
    const order = items.map((item, k) => ({ item, k }));
    if (items.every((it) => it.target)) {
      order.sort((a, b) => (a.item.target[0] * dx + a.item.target[1] * dy) -
                           (b.item.target[0] * dx + b.item.target[1] * dy) || a.k - b.k);
    }
    const half = Math.floor(items.length / 2);
    const left = order.slice(0, half), right = order.slice(half);
    const total = items.reduce((s, it) => s + it.weight, 0);
    const wl = left.reduce((s, o) => s + o.item.weight, 0);
    const proj = cells.map((id, k) => ({ id, p: pts[k][0] * dx + pts[k][1] * dy }));
    proj.sort((a, b) => a.p - b.p || a.id - b.id);
    let cut = Math.round((wl / total) * n);
    // A half-plane never separates cells of equal projection.
    while (cut > 0 && cut < n && proj[cut - 1].p === proj[cut].p) ++cut;
    const a = proj.slice(0, cut).map((c) => c.id).sort((x, y) => x - y);
    const b = proj.slice(cut).map((c) => c.id).sort((x, y) => x - y);
    if (a.length < minCells * left.length || b.length < minCells * right.length) continue;
    if (!isConnected(a) || !isConnected(b)) continue;
    const pa = partition(a, left.map((o) => o.item), salt * 31 + 1, minCells);
    const pb = partition(b, right.map((o) => o.item), salt * 31 + 2, minCells);
    if (!pa || !pb) continue;
    const out = new Array(items.length);
    left.forEach((o, k) => { out[o.k] = pa[k]; });
    right.forEach((o, k) => { out[o.k] = pb[k]; });
    return out;
  }
  return null;
}

// The k-d split only roughly follows the targets; reorder the pieces so that the sum of squared
// distances between each piece's centroid and its item's target is least (k! orders, k ≤ 8).
function matchTargets(pieces, targets) {
  const centroids = pieces.map((cells) => [
    cells.reduce((s, id) => s + cellI(id) + 0.5, 0) / cells.length,
    cells.reduce((s, id) => s + cellJ(id) + 0.5, 0) / cells.length,
  ]);
  let best = null, bestCost = Infinity;
  const permute = (order, rest) => {
    if (rest.length === 0) {
      const cost = order.reduce((s, p, k) => s + (centroids[p][0] - targets[k][0]) ** 2 +
                                                 (centroids[p][1] - targets[k][1]) ** 2, 0);
      if (cost < bestCost) { bestCost = cost; best = order; }
      return;
    }
    rest.forEach((p, k) => permute([...order, p], [...rest.slice(0, k), ...rest.slice(k + 1)]));
  };
  permute([], [...pieces.keys()]);
  return best.map((p) => pieces[p]);
}

// The boundary of a simply connected, pinch-free cell set as one counter-clockwise ring of
// lattice vertices (every vertex along the border is kept, so neighbours match exactly).
function ring(cells) {
  const set = new Set(cells);
  const has = (i, j) => i >= 0 && j >= 0 && i < kNx && j < kNy && set.has(cellId(i, j));
  const next = new Map();  // start vertex key → end vertex [i, j]
  const add = (a, b) => {
    const key = a[0] * 1000 + a[1];
    if (next.has(key)) throw new Error('pinch in cell set');
    next.set(key, b);
  };
  for (const id of cells) {
    const i = cellI(id), j = cellJ(id);
    if (!has(i, j - 1)) add([i, j], [i + 1, j]);
    if (!has(i + 1, j)) add([i + 1, j], [i + 1, j + 1]);
    if (!has(i, j + 1)) add([i + 1, j + 1], [i, j + 1]);
    if (!has(i - 1, j)) add([i, j + 1], [i, j]);
  }
  // Start at the lowest, then leftmost vertex so the output does not depend on Map order.
  let start = null;
  for (const key of next.keys()) {
    const v = [Math.floor(key / 1000), key % 1000];
    if (!start || v[1] < start[1] || (v[1] === start[1] && v[0] < start[0])) start = v;
  }
  const out = [start];
  for (let v = next.get(start[0] * 1000 + start[1]); v[0] !== start[0] || v[1] !== start[1];
       v = next.get(v[0] * 1000 + v[1])) {
    out.push(v);
  }
  if (out.length !== next.size) throw new Error('cell set has a hole or several parts');
  out.push(start);
  return out.map(([i, j]) => vertex(i, j));
}

// ---------------------------------------------------------------------------------------------
// Checks on the output rings (the C++ tests check the same with Boost.Geometry)

function signedArea(r) {
  let s = 0;
  for (let k = 0; k + 1 < r.length; ++k) s += r[k][0] * r[k + 1][1] - r[k + 1][0] * r[k][1];
  return s / 2;
}

function orient(a, b, c) {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

function segmentsCross(a, b, c, d) {
  const d1 = orient(c, d, a), d2 = orient(c, d, b), d3 = orient(a, b, c), d4 = orient(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    return true;
  }
  const on = (p, q, r) => Math.min(p[0], q[0]) <= r[0] && r[0] <= Math.max(p[0], q[0]) &&
                          Math.min(p[1], q[1]) <= r[1] && r[1] <= Math.max(p[1], q[1]);
  return (d1 === 0 && on(c, d, a)) || (d2 === 0 && on(c, d, b)) ||
         (d3 === 0 && on(a, b, c)) || (d4 === 0 && on(a, b, d));
}

function checkSimple(r, label) {
  const m = r.length - 1;
  const keys = new Set(r.slice(0, m).map((p) => `${p[0]},${p[1]}`));
  if (keys.size !== m) throw new Error(`${label}: repeated vertex`);
  for (let a = 0; a < m; ++a) {
    for (let b = a + 2; b < m; ++b) {
      if (a === 0 && b === m - 1) continue;  // adjacent through the closing vertex
      if (segmentsCross(r[a], r[a + 1], r[b], r[b + 1])) throw new Error(`${label}: self-intersection`);
    }
  }
  if (!(signedArea(r) > 0)) throw new Error(`${label}: exterior ring is not counter-clockwise`);
}

// ---------------------------------------------------------------------------------------------
// Names and codes

const kDistrict = { code: '370404000000', name: '峄城区' };

// target: rough position in the district (0..1 west→east, 0..1 south→north); weight: relative area.
const kTowns = [
  { code: '370404001000', name: '坛山街道', weight: 0.9, target: [0.45, 0.6],
    villages: ['坛山社区', '榴园社区', '承水社区', '青檀社区', '新城社区', '金沙社区', '东湖社区'] },
  { code: '370404002000', name: '吴林街道', weight: 0.9, target: [0.63, 0.58],
    villages: ['吴林社区', '坊上社区', '安庄村', '贾庄村', '曹庄村', '小李庄村'] },
  { code: '370404100000', name: '古邵镇', weight: 1.4, target: [0.47, 0.18],
    villages: ['古邵社区', '八里屯村', '前陈庄村', '后陈庄村', '大刘庄村', '马庄村', '河湾村'] },
  { code: '370404101000', name: '阴平镇', weight: 1.3, target: [0.18, 0.3],
    villages: ['阴平社区', '匡谈村', '沙沟村', '棠阴村', '张庄村', '徐庄村', '东风村'] },
  { code: '370404102000', name: '底阁镇', weight: 1.2, target: [0.8, 0.3],
    villages: ['底阁社区', '旺庄村', '杨楼村', '苗庄村', '前湾村'] },
  { code: '370404103000', name: '榴园镇', weight: 1.3, target: [0.55, 0.88],
    villages: ['王府山村', '贾泉村', '杨庄村', '朱庄村', '西邵村', '后洼村'] },
  { code: '370404104000', name: '峨山镇', weight: 1.2, target: [0.15, 0.72],
    villages: ['峨山社区', '峨山口村', '冯庄村', '汪庄村', '小屯村', '郭里村'] },
];

// Communities (社区居委会) take serials 001…, villages (村委会) 201…, as in the national scheme.
function villageCodes(town) {
  let community = 0, village = 200;
  return town.villages.map((name) => {
    const serial = name.endsWith('社区') ? ++community : ++village;
    return town.code.slice(0, 9) + String(serial).padStart(3, '0');
  });
}

// ---------------------------------------------------------------------------------------------
// Regions

function buildRegions() {
  checkCellsConvex();
  const district = districtCells();
  if (!isConnected(district)) throw new Error('district is not connected');
  const toLattice = ([fx, fy]) => [fx * kNx, fy * kNy];

  const features = [];
  const push = (code, name, level, parentCode, cells) => {
    const r = ring(cells);
    checkSimple(r, `${code} ${name}`);
    features.push({
      type: 'Feature',
      id: code,
      properties: { code, name, level, parent_code: parentCode },
      geometry: { type: 'Polygon', coordinates: [r] },
    });
    return signedArea(r);
  };
  const checkSum = (parentArea, childAreas, label) => {
    const sum = childAreas.reduce((s, a) => s + a, 0);
    if (Math.abs(sum - parentArea) > 1e-9 * parentArea) throw new Error(`${label}: children do not cover it`);
  };

  const districtArea = push(kDistrict.code, kDistrict.name, 'district', null, district);
  const pieces = partition(district,
    kTowns.map((t) => ({ weight: t.weight, target: toLattice(t.target) })), 1, 240);
  if (!pieces) throw new Error('cannot partition the district');
  const townCells = matchTargets(pieces, kTowns.map((t) => toLattice(t.target)));
  const counts = { towns: 0, villages: 0, grids: 0 };
  const townAreas = [];
  kTowns.forEach((town, t) => {
    ++counts.towns;
    townAreas.push(push(town.code, town.name, 'town', kDistrict.code, townCells[t]));
    const codes = villageCodes(town);
    const villageCells = partition(townCells[t],
      town.villages.map((_, v) => ({ weight: 0.7 + 0.6 * hash01(t, v, 3) })), 100 + t, 32);
    if (!villageCells) throw new Error(`cannot partition ${town.name}`);
    const villageAreas = [];
    town.villages.forEach((village, v) => {
      ++counts.villages;
      villageAreas.push(push(codes[v], village, 'village', town.code, villageCells[v]));
      const community = village.endsWith('社区');
      const n = Math.min(4, 2 + Math.floor(hash01(t, v, 4) * 3) + (community ? 1 : 0));
      const gridCells = partition(villageCells[v],
        [...Array(n).keys()].map((g) => ({ weight: 0.8 + 0.4 * hash01(t, v, g, 5) })),
        1000 + t * 10 + v, 8);
      if (!gridCells) throw new Error(`cannot partition ${village}`);
      const gridAreas = [];
      gridCells.forEach((cells, g) => {
        ++counts.grids;
        gridAreas.push(push(`${codes[v]}${String(g + 1).padStart(3, '0')}`,
                            `${town.name}${village}第${g + 1}网格`, 'grid', codes[v], cells));
      });
      checkSum(villageAreas[v], gridAreas, village);
    });
    checkSum(townAreas[t], villageAreas, town.name);
  });
  checkSum(districtArea, townAreas, kDistrict.name);

  let bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of features[0].geometry.coordinates[0]) {
    bbox = [Math.min(bbox[0], p[0]), Math.min(bbox[1], p[1]), Math.max(bbox[2], p[0]), Math.max(bbox[3], p[1])];
  }
  return { features, counts, bbox };
}

// ---------------------------------------------------------------------------------------------
// Departments and positions

// Codes are hierarchical: a child's code is its parent's code plus three digits.
const kDepartments = [
  ['100', '中共峄城区委员会', [
    ['区委办公室', [['综合科'], ['督查科']]],
    ['区委组织部'],
    ['区委宣传部'],
    ['区委政法委员会', [['社会治理网格化服务管理中心']]],
    ['区委社会工作部'],
  ]],
  ['200', '峄城区人民政府', [
    ['区政府办公室', [['秘书科'], ['督查科']]],
    ['区发展和改革局', [['重点项目推进科'], ['经济运行科']]],
    ['区教育和体育局'],
    ['区科学技术局'],
    ['区工业和信息化局'],
    ['区公安分局'],
    ['区民政局'],
    ['区司法局'],
    ['区财政局'],
    ['区人力资源和社会保障局'],
    ['自然资源局峄城分局'],
    ['市生态环境局峄城分局', [['环境监测站'], ['执法大队']]],
    ['区住房和城乡建设局'],
    ['区交通运输局'],
    ['区水利局'],
    ['区农业农村局'],
    ['区商务局'],
    ['区文化和旅游局'],
    ['区卫生健康局'],
    ['区退役军人事务局'],
    ['区应急管理局', [['风险监测预警科']]],
    ['区审计局'],
    ['区市场监督管理局'],
    ['区统计局', [['综合科']]],
    ['区医疗保障局'],
    ['区综合行政执法局'],
    ['区行政审批服务局', [['政务服务科']]],
    ['区信访局'],
    ['区大数据中心', [['数据资源科']]],
    ['区12345政务服务便民热线（区便民服务中心）', [['受理科'], ['派单督办科'], ['回访科']]],
    ['区投资促进中心'],
    ...kTowns.map((t) => [t.name.endsWith('街道') ? `${t.name}办事处` : `${t.name}人民政府`,
                         [['社会治理网格化服务管理中心']], t.code]),
  ]],
  ['900', '公用事业单位', [
    ['国网峄城区供电公司'],
    ['区供水有限公司'],
    ['区燃气有限公司'],
  ]],
];

function buildDepartments() {
  const out = [];
  const walk = (nodes, parentCode, regionCode) => {
    nodes.forEach(([name, children, ownRegion], k) => {
      const code = `${parentCode}${String(k + 1).padStart(3, '0')}`;
      const region = ownRegion ?? regionCode;
      out.push({ code, name, parent_code: parentCode, region_code: region, sort: k + 1 });
      if (children) walk(children, code, region);
    });
  };
  kDepartments.forEach(([code, name, children], k) => {
    out.push({ code, name, parent_code: null, region_code: null, sort: k + 1 });
    walk(children, code, null);
  });
  const positions = [
    ['district_leader', '区级领导'], ['director', '局长'], ['deputy_director', '副局长'],
    ['office_head', '主任'], ['deputy_office_head', '副主任'], ['town_head', '镇长（街道办事处主任）'],
    ['section_chief', '科长'], ['deputy_section_chief', '副科长'], ['clerk', '科员'],
    ['village_secretary', '村（社区）党组织书记'], ['grid_leader', '网格长'], ['grid_worker', '网格员'],
    ['operator', '接线员'], ['dispatcher', '派单员'], ['liaison', '联络员'],
  ].map(([code, name]) => ({ code, name }));
  return { departments: out, positions };
}

// ---------------------------------------------------------------------------------------------

function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  const outDir = resolve(process.argv[2] ?? join(here, '..', 'data', 'demo', 'yicheng'));
  mkdirSync(outDir, { recursive: true });

  const { features, counts, bbox } = buildRegions();
  const head = {
    type: 'FeatureCollection',
    name: '峄城区（演示数据）',
    note: '演示数据：镇（街道）名称与代码为真实区划，村（社区）与网格为演示用名称；所有边界均为合成图形，' +
          '不代表真实行政区域界线。Demo data: town names and codes are real; villages, communities ' +
          'and grids are plausible demo names; every shape is SYNTHETIC and is not a real boundary. ' +
          'Generated by scripts/gen-demo-district.mjs.',
  };
  const geojson = JSON.stringify(head).slice(0, -1) + ',"features":[\n' +
                  features.map((f) => JSON.stringify(f)).join(',\n') + '\n]}\n';
  writeFileSync(join(outDir, 'regions.geojson'), geojson);

  const { departments, positions } = buildDepartments();
  const deptJson = '{\n"note": ' + JSON.stringify(
    '演示数据：峄城区部门、镇（街道）与公用事业单位的示例组织树，科室与编码为演示用。' +
    'Demo data: an example org tree of district departments, towns and utilities; sections and codes are made up.') +
    ',\n"departments": [\n' + departments.map((d) => '  ' + JSON.stringify(d)).join(',\n') +
    '\n],\n"positions": [\n' + positions.map((p) => '  ' + JSON.stringify(p)).join(',\n') + '\n]\n}\n';
  writeFileSync(join(outDir, 'departments.json'), deptJson);

  const units = departments.filter((d) => d.parent_code !== null).length;
  console.log(`regions.geojson: ${counts.towns} towns, ${counts.villages} villages, ${counts.grids} grids, ` +
              `${geojson.length} chars, district bbox ${bbox.join(', ')}`);
  console.log(`departments.json: ${departments.length} entries (${units} below the roots), ` +
              `${positions.length} positions`);
}

main();
