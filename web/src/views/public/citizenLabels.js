// Labels on the citizens' page. The server words its public labels for citizens, in Chinese
// (a state may read differently than in the console); in Chinese they are shown as sent. In
// another language the console's own label of the code stands in, or the server's when the
// console has none.
import { i18n } from '../../i18n.js'
import { codeLabel } from '../appeals/appealRefs.js'

// kind: type | state | action (the console's appeal.<kind>.<code> keys)
export function citizenLabel(kind, code, label) {
  if (i18n.global.locale.value === 'zh-CN' && label) return label
  return codeLabel(kind, code, label) || label || ''
}

// A refusal for too many tries: the server's detail, with the wait added unless it says it.
export function tooManyText(t, detail, seconds) {
  if (seconds === null || seconds === undefined || String(detail).includes(String(seconds))) return detail
  return t('citizen.retryAfter', { detail, n: seconds })
}
