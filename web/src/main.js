import { createApp } from 'vue'
import ElementPlus, { ElMessage } from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { i18n } from './i18n.js'
import { router } from './router.js'
import { onUnauthorized } from './api.js'
import './style.css'

// Any 401 means the session is gone (expired, revoked, server restarted): back to login,
// remembering where the user was.
onUnauthorized((detail) => {
  const current = router.currentRoute.value
  if (current.name === 'login' || current.meta.public) return
  if (detail) ElMessage.warning(detail)
  router.replace({ name: 'login', query: current.fullPath && current.fullPath !== '/' ? { redirect: current.fullPath } : {} })
})

createApp(App).use(i18n).use(router).use(ElementPlus).mount('#app')
