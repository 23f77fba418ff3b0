/**
 * Horizontal bars with the value written at the end of each bar. Only the pieces of chart.js that
 * a bar chart needs are registered, so the rest is tree-shaken away. The canvas is an image with a
 * text summary; the table next to it carries the same figures for screen readers.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, type Plugin } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { formatNumber } from '../format.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale);

const valueLabels: Plugin<'bar'> = {
  id: 'valueLabels',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.fillStyle = '#1a1a1a';
    ctx.font = '600 13px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const meta = chart.getDatasetMeta(0);
    const data = chart.data.datasets[0]?.data ?? [];
    meta.data.forEach((bar, i) => {
      const value = data[i];
      if (typeof value !== 'number') return;
      const { x, y } = bar.getProps(['x', 'y'], true) as { x: number; y: number };
      ctx.fillText(formatNumber(value), x + 6, y);
    });
    ctx.restore();
  },
};

export interface Bar {
  label: string;
  value: number;
}

export function BarChart({ bars, title, max = 100 }: { bars: Bar[]; title: string; max?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: bars.map((b) => b.label),
        datasets: [
          {
            data: bars.map((b) => b.value),
            backgroundColor: '#1f5fa8',
            borderRadius: 3,
            maxBarThickness: 28,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        layout: { padding: { right: 56 } },
        scales: {
          x: { min: 0, max, ticks: { callback: (v) => formatNumber(Number(v)) } },
          y: {
            ticks: {
              autoSkip: false,
              font: { size: 12 },
              // On a phone long unit names would crowd out the bars: shorten them (the table has them whole).
              callback(_value, i) {
                const label = bars[i]?.label ?? '';
                return this.chart.width < 480 && label.length > 18 ? `${label.slice(0, 17)}…` : label;
              },
            },
          },
        },
      },
      plugins: [valueLabels],
    });
    return () => chart.destroy();
  }, [bars, max]);
  const summary = `${title}: ${bars.map((b) => `${b.label} ${formatNumber(b.value)}`).join('; ')}`;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div class="chart-box" style={{ height: `${Math.max(160, bars.length * 40 + 60)}px` }}>
        <canvas ref={canvas} role="img" aria-label={summary} />
      </div>
    </figure>
  );
}
