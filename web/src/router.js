// Routes of the console. Hash history, so any static file server (ecity serve included)
// can host the console without a fallback rule for deep links.
import {createRouter, createWebHashHistory} from 'vue-router'

import {auth, onSignedOutElsewhere, sessionReady} from './auth.js'

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  // The citizens' page (file an appeal, follow it with its number and query code): no sign-in.
  { path: '/public', name: 'public-appeal', component: () => import('./views/public/PublicAppealView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./views/LayoutView.vue'),
    children: [
      { path: '', redirect: { name: 'org' } },
      { path: 'platform/org', name: 'org', component: () => import('./views/platform/OrgTreeView.vue'), meta: { title: 'menu.org' } },
      { path: 'platform/departments', name: 'departments', component: () => import('./views/platform/DepartmentsView.vue'), meta: { title: 'menu.departments' } },
      { path: 'platform/users', name: 'users', component: () => import('./views/platform/UsersView.vue'), meta: { title: 'menu.users' } },
      { path: 'platform/roles', name: 'roles', component: () => import('./views/platform/RolesView.vue'), meta: { title: 'menu.roles' } },
      { path: 'platform/operation-log', name: 'operation-log', component: () => import('./views/platform/OperationLogView.vue'), meta: { title: 'menu.operationLog' } },
      { path: 'platform/login-log', name: 'login-log', component: () => import('./views/platform/LoginLogView.vue'), meta: { title: 'menu.loginLog' } },
      { path: 'platform/sessions', name: 'sessions', component: () => import('./views/platform/SessionsView.vue'), meta: { title: 'menu.sessions' } },
      { path: 'appeals/workbench', name: 'appeals', component: () => import('./views/appeals/AppealListView.vue'), meta: { title: 'menu.appealWorkbench' } },
      { path: 'appeals/intake', name: 'appeal-intake', component: () => import('./views/appeals/AppealIntakeView.vue'), meta: { title: 'menu.appealIntake' } },
      { path: 'appeals/stats', name: 'appeal-stats', component: () => import('./views/appeals/AppealStatsView.vue'), meta: { title: 'menu.appealStats' } },
      { path: 'appeals/settings', name: 'appeal-settings', component: () => import('./views/appeals/AppealSettingsView.vue'), meta: { title: 'menu.appealSettings' } },
      { path: 'appeals/catalogue', name: 'appeal-catalogue', component: () => import('./views/appeals/AppealCatalogueView.vue'), meta: { title: 'menu.appealCatalogue' } },
      { path: 'appeals/dispatch-rules', name: 'appeal-dispatch-rules', component: () => import('./views/appeals/AppealDispatchRulesView.vue'), meta: { title: 'menu.appealDispatchRules' } },
      { path: 'appeals/open311-clients', name: 'appeal-open311-clients', component: () => import('./views/appeals/AppealOpen311ClientsView.vue'), meta: { title: 'menu.appealOpen311' } },
      // The case page has no menu entry of its own; the workbench stays highlighted.
      { path: 'appeals/case/:id(\\d+)', name: 'appeal-case', component: () => import('./views/appeals/AppealCaseView.vue'), meta: { title: 'menu.appealCase', menu: '/appeals/workbench' } },
      { path: 'environment/evaluation', name: 'env-evaluation', component: () => import('./views/environment/EnvEvaluationView.vue'), meta: { title: 'menu.envEvaluation' } },
      { path: 'environment/calendar', name: 'env-calendar', component: () => import('./views/environment/EnvCalendarView.vue'), meta: { title: 'menu.envCalendar' } },
      { path: 'environment/stations', name: 'env-stations', component: () => import('./views/environment/EnvStationsView.vue'), meta: { title: 'menu.envStations' } },
      // A station's page has no menu entry of its own; the stations list stays highlighted.
      { path: 'environment/stations/:id(\\d+)', name: 'env-station', component: () => import('./views/environment/EnvStationView.vue'), meta: { title: 'menu.envStation', menu: '/environment/stations' } },
      { path: 'environment/quality', name: 'env-quality', component: () => import('./views/environment/EnvQualityView.vue'), meta: { title: 'menu.envQuality' } },
      { path: 'environment/water', name: 'env-water', component: () => import('./views/environment/EnvWaterView.vue'), meta: { title: 'menu.envWater' } },
      // A section's page has no menu entry of its own; the sections list stays highlighted.
      { path: 'environment/water/:id(\\d+)', name: 'env-water-section', component: () => import('./views/environment/EnvWaterSectionView.vue'), meta: { title: 'menu.envWaterSection', menu: '/environment/water' } },
      { path: 'projects/overview', name: 'prj-overview', component: () => import('./views/projects/ProjectOverviewView.vue'), meta: { title: 'menu.prjOverview' } },
      { path: 'projects/list', name: 'prj-list', component: () => import('./views/projects/ProjectListView.vue'), meta: { title: 'menu.prjList' } },
      // A project's page has no menu entry of its own; the project list stays highlighted.
      { path: 'projects/:id(\\d+)', name: 'prj-project', component: () => import('./views/projects/ProjectView.vue'), meta: { title: 'menu.prjProject', menu: '/projects/list' } },
      { path: 'projects/review', name: 'prj-review', component: () => import('./views/projects/ProjectReviewView.vue'), meta: { title: 'menu.prjReview' } },
      { path: 'projects/leaders', name: 'prj-leaders', component: () => import('./views/projects/ProjectLeadersView.vue'), meta: { title: 'menu.prjLeaders' } },
      { path: 'projects/rules', name: 'prj-rules', component: () => import('./views/projects/ProjectRulesView.vue'), meta: { title: 'menu.prjRules' } },
      { path: 'projects/issues', name: 'prj-issues', component: () => import('./views/projects/ProjectIssuesView.vue'), meta: { title: 'menu.prjIssues' } },
      // An issue's page has no menu entry of its own; the issue list stays highlighted.
      { path: 'projects/issues/:id(\\d+)', name: 'prj-issue', component: () => import('./views/projects/ProjectIssueView.vue'), meta: { title: 'menu.prjIssue', menu: '/projects/issues' } },
      { path: 'projects/meetings', name: 'prj-meetings', component: () => import('./views/projects/ProjectMeetingsView.vue'), meta: { title: 'menu.prjMeetings' } },
      { path: 'projects/attraction', name: 'prj-attraction', component: () => import('./views/projects/ProjectAttractionView.vue'), meta: { title: 'menu.prjAttraction' } },
      { path: 'projects/talents', name: 'prj-talents', component: () => import('./views/projects/ProjectTalentsView.vue'), meta: { title: 'menu.prjTalents' } },
      { path: 'economy/indicators', name: 'eco-indicators', component: () => import('./views/economy/EcoIndicatorsView.vue'), meta: { title: 'menu.ecoIndicators' } },
      { path: 'economy/values', name: 'eco-values', component: () => import('./views/economy/EcoValuesView.vue'), meta: { title: 'menu.ecoValues' } },
      { path: 'economy/tables', name: 'eco-tables', component: () => import('./views/economy/EcoTablesView.vue'), meta: { title: 'menu.ecoTables' } },
      { path: 'economy/bulletin', name: 'eco-bulletin', component: () => import('./views/economy/EcoBulletinView.vue'), meta: { title: 'menu.ecoBulletin' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
    ],
  },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) {
    if (to.name === 'login' && auth.token) return {
        path: '/'
      }
    return true
  }
  // A new tab opened on a signed-in page may be handed the session of an open one (the login
  // page itself never asks: whoever opens it means to sign in).
  await sessionReady()
  if (!auth.token) return {
    name: 'login', query: to.fullPath !== '/' ? {redirect: to.fullPath} : {}
  }
  return true
})

// Signed out in another tab: leave the signed-in pages here too.
onSignedOutElsewhere(() => {
  const here = router.currentRoute.value
  if (!here.meta.public) router.replace({name: 'login', query: here.fullPath !== '/' ? {redirect: here.fullPath} : {}})
})
