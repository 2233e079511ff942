// What the surface-water pages share: the 21 indicators of GB 3838 (loaded once per session from
// /api/environment/water/indicators, with their units and class-III limits), the water classes
// I–劣V with their labels and badge classes (the colours themselves are in style.css), the
// control levels, the quality words and the exceedance texts, and the period of a page as read
// from its route query. The API's classes and multiples are shown as sent, never recomputed.
import { reactive } from 'vue'
import { api } from '../../api.js'
import { auth } from '../../auth.js'
import { currentLocale, i18n } from '../../i18n.js'
import { formatDecimal, shanghaiPeriod } from '../../util.js'

const refs = reactive({ token: '', indicators: [] })
let loading = null

// The indicators in the API's order; a refused list stays empty and is asked again next time.
export function loadWaterIndicators() {
  if (refs.token === auth.token && loading) return loading
  refs.token = auth.token
  loading = api
    .waterIndicators()
    .then((res) => {
      refs.indicators = res.items || []
      return refs.indicators
    })
    .catch(() => {
      loading = null
      return refs.indicators
    })
  return loading
}
export const waterIndicators = () => refs.indicators

// The codes of GB 3838 table 1 in the API's order (the fallback while the list loads), and the
// five an environmental office follows first.
export const kIndicatorCodes = [
  'ph', 'do', 'codmn', 'cod', 'bod5', 'nh3n', 'tp', 'cu', 'zn', 'f', 'se',
  'as', 'hg', 'cd', 'cr6', 'pb', 'cn', 'phenol', 'oil', 'las', 'sulfide',
]
export const kMainIndicators = ['do', 'codmn', 'cod', 'nh3n', 'tp']

// An indicator's name: the API's (Chinese) as sent, in English the console's own.
export function indicatorName(code, apiName = '') {
  const own = i18n.global.t('env.water.ind.' + code)
  if (currentLocale() === 'en') return own
  return apiName || refs.indicators.find((x) => x.code === code)?.name || own
}
// Its unit for a label: none for pH (dimensionless).
export function indicatorUnit(code) {
  if (code === 'ph') return ''
  return refs.indicators.find((x) => x.code === code)?.unit || 'mg/L'
}
// The class-III limit for a chart line, {value, text} (the text as the API sends it; total
// phosphorus of a lake has its own); null for pH's range and while the list loads.
export function classIIILimit(code, kind = 'river') {
  const x = refs.indicators.find((i) => i.code === code)
  if (!x) return null
  const text = String((code === 'tp' && kind === 'lake' && x.class_iii_lake ? x.class_iii_lake : x.class_iii) ?? '').trim()
  const value = Number(text)
  return text !== '' && Number.isFinite(value) ? { value, text } : null
}

// Water classes 1..6 = I..V, 劣V.
export const kWaterClasses = [1, 2, 3, 4, 5, 6]
export const kTargetClasses = [1, 2, 3, 4, 5]
export const kControls = ['national', 'provincial', 'city', 'county']
export const kSectionKinds = ['river', 'lake']

const validClass = (c) => Number.isInteger(c) && c >= 1 && c <= 6
// "III 类" / "Class III"; '' for no class.
export const classLabel = (c) => (validClass(c) ? i18n.global.t('env.water.class.' + c) : '')
// The short form for a grid cell: "III", "劣V" (">V" in English).
const kRoman = ['', 'I', 'II', 'III', 'IV', 'V']
export const classShort = (c) => (!validClass(c) ? '' : c === 6 ? i18n.global.t('env.water.worseShort') : kRoman[c])
// The badge's CSS class (style.css): water-c1 … water-c6, water-none.
export const classCss = (c) => (validClass(c) ? `water-c${c}` : 'water-none')
// The quality word of GB 3838's assessment of a period or sample ({class, quality}): the API's
// Chinese word as sent, in English the class's English word (as categoryText does for AQI).
export function qualityText(x) {
  const c = x?.class
  if (!validClass(c)) return ''
  if (currentLocale() === 'en') return i18n.global.t('env.water.qualityWord.' + c)
  return x.quality || i18n.global.t('env.water.qualityWord.' + c)
}
export const controlText = (control) => (kControls.includes(control) ? i18n.global.t('env.water.controlName.' + control) : control || '')
export const kindText = (kind) => (kSectionKinds.includes(kind) ? i18n.global.t('env.water.kindName.' + kind) : kind || '')

// 达标 / 未达标 / 无数据 with the tag type to show it in.
export function meetsText(meets) {
  if (meets === true) return i18n.global.t('env.water.meetsYes')
  if (meets === false) return i18n.global.t('env.water.meetsNo')
  return i18n.global.t('env.water.meetsNone')
}
export const meetsTag = (meets) => (meets === true ? 'success' : meets === false ? 'danger' : 'info')

// "氨氮 0.25倍、总磷 0.10倍"; pH and dissolved oxygen (no multiple) by name only; '' for none.
export function exceedingText(list) {
  const items = Array.isArray(list) ? list : []
  return items
    .map((x) => {
      const name = indicatorName(x.code, x.name)
      return x.multiple === null || x.multiple === undefined ? name : i18n.global.t('env.water.multiple', { name, n: formatDecimal(x.multiple, 2) })
    })
    .join(i18n.global.t('env.listSep'))
}

// The period of a page: ?from=&to= when both are dates in order, else this year up to today (the
// API's own default).
const kDate = /^\d{4}-\d{2}-\d{2}$/
export function periodFromQuery(query) {
  const from = typeof query?.from === 'string' ? query.from : ''
  const to = typeof query?.to === 'string' ? query.to : ''
  if (kDate.test(from) && kDate.test(to) && from <= to) return [from, to]
  return shanghaiPeriod('year')
}

// The months "YYYY-MM" from the month of `from` to the month of `to`, both included.
export function monthsBetween(from, to) {
  if (!kDate.test(from || '') || !kDate.test(to || '') || from > to) return []
  let [y, m] = from.slice(0, 7).split('-').map(Number)
  const [ty, tm] = to.slice(0, 7).split('-').map(Number)
  const out = []
  while ((y < ty || (y === ty && m <= tm)) && out.length < 240) {
    out.push(`${y}-${String(m).padStart(2, '0')}`)
    m += 1
    if (m > 12) {
      m = 1
      y += 1
    }
  }
  return out
}

// A month's short name in the console's language: "1月" / "Jan".
export function monthShort(month) {
  const [y, m] = String(month).split('-').map(Number)
  if (!y || !m) return month
  return new Intl.DateTimeFormat(currentLocale() === 'en' ? 'en' : 'zh-CN', { month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)))
}
