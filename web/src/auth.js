// Who is signed in. The bearer token lives in sessionStorage, so it dies with the last tab
// that holds it. Tabs of the console share it over a BroadcastChannel (same origin only): a
// new tab (a case opened in a tab of its own) asks the open ones for it instead of asking the
// user to sign in again, and signing out in one tab signs out all. The user and permissions
// are refetched from /api/auth/me.
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

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('ecity.auth') : null
let handedOver = null  // resolves the wait in sessionReady() when another tab answers
let signedOutElsewhere = () => {}

// `fn` runs when another tab signs out of the session this tab holds (after it is cleared here).
export function onSignedOutElsewhere(fn) {
  signedOutElsewhere = fn
}

if (channel) {
  channel.onmessage = (e) => {
    const m = e.data || {}
    if (m.type === 'ask' && auth.token)
      channel.postMessage({type: 'token', token: auth.token})
      else if (m.type === 'token' && !auth.token && typeof m.token === 'string' && m.token) {
        setSession(m.token)
        handedOver?.()
      }
    else if (m.type === 'signed-out' && m.token && m.token === auth.token) {
      clearSession({quiet: true})
      signedOutElsewhere()
    }
  }
}

let ready = null
// Resolves once this tab knows whether it is signed in: at once if it holds a token, else
// after another open tab has handed its token over, or after a short wait if none answers.
export function sessionReady(waitMs = 300) {
  if (!ready) {
    ready =
      auth.token || !channel
        ? Promise.resolve()
        : new Promise((resolve) => {
            handedOver = resolve
    setTimeout(resolve, waitMs)
            channel.postMessage({ type: 'ask' })
          }).finally(() => {
            handedOver = null
          })
  }
  return ready
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

// Forgets the session here and, unless `quiet` (told by another tab), in the other tabs.
export function clearSession({quiet = false} = {}) {
  if (!quiet && auth.token) channel?.postMessage({type: 'signed-out', token: auth.token})
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
