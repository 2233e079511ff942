// ECharts, built from the parts the console uses (so the bundle carries only those), registered
// once. Maps are drawn from the district's own GeoJSON (registerMap), never from online tiles.
import * as echarts from 'echarts/core'
import { BarChart, FunnelChart, HeatmapChart, LineChart, MapChart, ScatterChart } from 'echarts/charts'
import {
  CalendarComponent,
  DataZoomComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapPiecewiseComponent,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([
  BarChart,
  FunnelChart,
  HeatmapChart,
  LineChart,
  MapChart,
  ScatterChart,
  CalendarComponent,
  DataZoomComponent,
  GeoComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapPiecewiseComponent,
  CanvasRenderer,
])

export { echarts }
