// What the environment pages share: the stations the user may see and the towns' names (loaded
// once per session, refreshed after a station is registered or changed), the scope picker's
// value ↔ query mapping, the AQI levels with their colours (GB 3095 / HJ 633), the factor codes
// of HJ 212 and the number formats of the bulletins. The API's figures are shown as sent,
// only formatted with a fixed count of decimals — never recomputed here.
import { computed, reactive } from 'vue'
import { api } from '../../api.js'
import { auth } from '../../auth.js'
import { currentLocale, i18n } from '../../i18n.js'
import { formatDecimal } from '../../util.js'

const refs = reactive({ token: '', stations: [], regions: [] })
let loading = null

// Loads the stations and regions for the signed-in user; a refused list stays empty (names then
// fall back to "#id") and is asked again next time.
export function loadEnvRefs({ force = false } = {}) {
  if (!force && refs.token === auth.token && loading) return loading
  refs.token = auth.token
  loading = Promise.allSettled([api.envStations(), api.regions()]).then(([s, r]) => {
    refs.stations = s.status === 'fulfilled' ? s.value.items || [] : []
    refs.regions = r.status === 'fulfilled' ? r.value.items || [] : []
    if (s.status !== 'fulfilled' || r.status !== 'fulfilled') loading = null
    return refs
  })
  return loading
}

export const envStations = computed(() => [...refs.stations].sort((a, b) => a.mn.localeCompare(b.mn)))
const regionMap = computed(() => new Map(refs.regions.map((r) => [r.id, r])))
const stationMap = computed(() => new Map(refs.stations.map((s) => [s.id, s])))

export function regionName(id) {
  if (id === null || id === undefined) return ''
  return regionMap.value.get(id)?.name || `#${id}`
}
export function stationName(id) {
  if (id === null || id === undefined) return ''
  return stationMap.value.get(id)?.name || `#${id}`
}

// The towns with at least one station the user sees (a town without one has nothing to
// evaluate), in the order of their region codes.
export const envTowns = computed(() => {
  const ids = new Set(refs.stations.map((s) => s.town_id).filter((x) => x !== null && x !== undefined))
  return refs.regions
    .filter((r) => r.level === 'town' && ids.has(r.id))
    .sort((a, b) => String(a.code).localeCompare(String(b.code)))
})

// The scope picker's value: 'district' (the district, or all the user may see), 'town:ID' or
// 'station:ID'; as the query parameters of /air/daily and /air/evaluation.
export const kDistrict = 'district'
export function scopeQuery(scope) {
  const m = /^(town|station):(\d+)$/.exec(scope || '')
  return m ? { [m[1]]: Number(m[2]) } : {}
}

// AQI levels 1–6 with the colours of HJ 633 (the API sends the same colour per day).
export const kAqiLevels = [
  { level: 1, colour: '#00E400' },
  { level: 2, colour: '#FFFF00' },
  { level: 3, colour: '#FF7E00' },
  { level: 4, colour: '#FF0000' },
  { level: 5, colour: '#99004C' },
  { level: 6, colour: '#7E0023' },
]
export const kNoDataColour = '#DCDFE6'

// A result's category: the API's Chinese name as sent, in English the level's English name.
export function categoryText(x) {
  if (!x) return ''
  if (currentLocale() === 'en' && x.level) return i18n.global.t('env.level.' + x.level)
  return x.category || (x.level ? i18n.global.t('env.level.' + x.level) : '')
}

// The six AQI pollutants: key in readings' values, HJ 212 factor code, label, unit.
export const kPollutants = [
  { key: 'so2', code: 'a21026', label: 'SO₂', unit: 'µg/m³' },
  { key: 'no2', code: 'a21004', label: 'NO₂', unit: 'µg/m³' },
  { key: 'co', code: 'a21005', label: 'CO', unit: 'mg/m³' },
  { key: 'o3', code: 'a05024', label: 'O₃', unit: 'µg/m³' },
  { key: 'pm10', code: 'a34002', label: 'PM₁₀', unit: 'µg/m³' },
  { key: 'pm25', code: 'a34004', label: 'PM₂.₅', unit: 'µg/m³' },
]
export const kFactorCodes = kPollutants.map((p) => p.code)
export const factorLabel = (code) => kPollutants.find((p) => p.code === code)?.label || code

export const kStationKinds = ['national', 'provincial', 'county', 'micro']
export const kProtocols = ['2005', '2017', '2025']

// Flags that count for AQI (HJ 212: N normal, S set by hand; none sent). Others make the hour missing.
export const flagCounts = (flag) => flag === null || flag === undefined || flag === '' || flag === 'N' || flag === 'S'

// The refusal reasons of the HJ 212 listener (docs/environment.md), labelled in the locales.
export const kRejectionReasons = [
  'garbage',
  'bad_length',
  'bad_crc',
  'bad_tail',
  'bad_header',
  'unknown_mn',
  'disabled',
  'bad_password',
  'bad_time',
  'bad_value',
  'bad_split',
  'garbage_limit',
  'refused',
  'refused_ip',
  'login_timeout',
  'frame_timeout',
  'slow_reader',
]

// A change with its sign: +1, -0.5, 0; "—" for nothing.
export function signed(value, digits = 0) {
  const text = formatDecimal(value, digits)
  if (text === '—') return text
  return Number(value) > 0 ? `+${text}` : text
}

// The messages of a problem's `errors` per field, all of them (a field may fail twice).
export function allFieldErrors(e) {
  const out = {}
  const english = currentLocale() === 'en'
  for (const x of Array.isArray(e?.problem?.errors) ? e.problem.errors : []) {
    if (!x || !x.field) continue
    const message = (english && x.message_en) || x.message || ''
    out[x.field] = out[x.field] ? `${out[x.field]}${english ? '; ' : '；'}${message}` : message
  }
  return Object.keys(out).length ? out : e?.fieldErrors || {}
}

// Days between two "YYYY-MM-DD", both ends included.
export function daysInclusive(from, to) {
  const a = Date.parse(`${from}T00:00:00Z`)
  const b = Date.parse(`${to}T00:00:00Z`)
  return Number.isFinite(a) && Number.isFinite(b) ? Math.round((b - a) / 86_400_000) + 1 : 0
}
