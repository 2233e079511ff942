// Who is signed in. The bearer token lives in sessionStorage: it dies with the tab and is
// never shared with another one. The user and permissions are refetched from /api/auth/me.
import { reactive } from 'vue'

const kTokenKey = 'ecity.token'

export const auth = reactive({
  token: readToken(),
  user: null,
  permissions: [],
  dataScope: null,
})

function readToken() {
  try {
    return sessionStorage.getItem(kTokenKey) || ''
  } catch {
    return ''
  }
}

export function setSession(token, user) {
  auth.token = token
  auth.user = user || null
  try {
    sessionStorage.setItem(kTokenKey, token)
  } catch {
    // the session lasts until reload
  }
}

export function setProfile(me) {
  auth.user = me.user || null
  auth.permissions = Array.isArray(me.permissions) ? me.permissions : []
  auth.dataScope = me.data_scope ?? null
}

export function clearSession() {
  auth.token = ''
  auth.user = null
  auth.permissions = []
  auth.dataScope = null
  try {
    sessionStorage.removeItem(kTokenKey)
  } catch {
    // nothing stored
  }
}

export function can(permission) {
  return auth.permissions.includes(permission)
}
