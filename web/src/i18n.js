// The console's language: zh-CN by default, English on request. The choice is kept in
// localStorage so it survives a new tab; every API call sends it as Accept-Language.
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN.js'
import en from './locales/en.js'

export const kLocales = ['zh-CN', 'en']
const kStorageKey = 'ecity.locale'

function initialLocale() {
  try {
    const saved = localStorage.getItem(kStorageKey)
    if (kLocales.includes(saved)) return saved
  } catch {
    // storage may be disabled; fall through to the default
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

document.documentElement.lang = i18n.global.locale.value

export function currentLocale() {
  return i18n.global.locale.value
}

export function setLocale(locale) {
  if (!kLocales.includes(locale)) return
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(kStorageKey, locale)
  } catch {
    // not persisted; the switch still applies to this page
  }
}
