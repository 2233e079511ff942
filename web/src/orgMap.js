// The district's regions as GeoJSON for ECharts maps, one FeatureCollection per level (town,
// village, grid), registered with echarts.registerMap under `ecity-<level>`. It comes from
// GET /api/org/map; a server without that endpoint (404) is served from the region list and
// each region's own geometry instead. Loaded once per session and level.
import { api } from './api.js'
import { auth } from './auth.js'
import { echarts } from './charts.js'

export const kMapLevels = ['town', 'village', 'grid']
const kParallel = 8 // region requests in flight at once on the fallback path

const cache = new Map() // `${token}|${level}` → Promise<map name>

async function mapped(items, limit, fn) {
  const out = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

async function fromRegions(level) {
  const list = ((await api.regions()).items || []).filter((r) => r.level === level && r.has_geometry !== false)
  const full = await mapped(list, kParallel, (r) => api.region(r.id))
  return {
    type: 'FeatureCollection',
    features: full
      .filter((r) => r && r.geometry)
      .map((r) => ({ type: 'Feature', properties: { id: r.id, name: r.name, level: r.level, parent_id: r.parent_id }, geometry: r.geometry })),
  }
}

async function fetchLevel(level) {
  try {
    return await api.orgMap(level)
  } catch (e) {
    if (e.status !== 404) throw e
    return fromRegions(level)
  }
}

// Resolves to the registered map's name, or to '' when the level has no shapes at all.
// Rejects with the ApiError of a failed request (and asks again next time).
export function loadOrgMap(level) {
  const key = `${auth.token}|${level}`
  if (!cache.has(key)) {
    const name = `ecity-${level}`
    const promise = fetchLevel(level).then((geojson) => {
      if (!geojson || !Array.isArray(geojson.features) || geojson.features.length === 0) return ''
      echarts.registerMap(name, geojson)
      return name
    })
    promise.catch(() => cache.delete(key))
    cache.set(key, promise)
  }
  return cache.get(key)
}
