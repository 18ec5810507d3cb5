// Apache ECharts, tree-shaken (decision 0032): only the chart types, components and renderer the
// statistics dashboards draw are registered with echarts/core, so the bundle carries nothing else.
// Add a chart type here (and to ChartOption) before a page uses it.
import { BarChart, type BarSeriesOption, PieChart, type PieSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** The options a dashboard chart may use: bars and pies with a grid, a legend and tooltips. */
export type ChartOption = ComposeOption<BarSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

export type Chart = ReturnType<typeof init>;

/** A chart drawn on a canvas inside `el` (the caller disposes it). */
export const createChart = (el: HTMLElement): Chart => init(el, undefined, { renderer: 'canvas' });

/** The dashboards' palette: Element Plus's primary, success, warning, danger and info, then softer tones. */
export const PALETTE = ['#409eff', '#67c23a', '#e6a23c', '#f56c6c', '#909399', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc', '#5470c6'];
