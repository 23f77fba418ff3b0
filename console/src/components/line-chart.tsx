/**
 * Lines over days (cumulative response rate per unit): only the chart.js pieces a line chart needs
 * are registered. The canvas is an image whose text alternative gives each line's last value; the
 * table beside it carries the figures for screen readers.
 */
import { CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { formatNumber } from '../format.ts';

// No chart.js legend (registering it would give every chart one): the legend is HTML below the canvas.
Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale);

export interface Line {
  label: string;
  /** One value per label of the x axis (null: no figure that day). */
  values: Array<number | null>;
}

// Distinguishable on white (≥ 3:1) and for the common colour-vision deficiencies; dashes tell them apart too.
const COLOURS = ['#1f5fa8', '#b3541e', '#2e7d32', '#6a3d9a', '#8a6d00', '#c2185b', '#00796b', '#444444'];
const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
const colourOf = (i: number) => COLOURS[i % COLOURS.length]!;
const dashOf = (i: number) => DASHES[Math.floor(i / COLOURS.length) % DASHES.length] ?? [];

export function LineChart({
  title,
  labels,
  lines,
  max = 100,
  unit = ' %',
}: {
  title: string;
  labels: string[];
  lines: Line[];
  max?: number;
  unit?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'line',
      data: {
        labels,
        datasets: lines.map((l, i) => ({
          label: l.label,
          data: l.values,
          borderColor: colourOf(i),
          backgroundColor: colourOf(i),
          borderDash: dashOf(i),
          borderWidth: 2,
          pointRadius: 3,
          spanGaps: true,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { ticks: { autoSkip: true, maxRotation: 0 } },
          y: { min: 0, max, ticks: { callback: (v) => `${formatNumber(Number(v))}${unit}` } },
        },
      },
    });
    return () => chart.destroy();
  }, [labels, lines, max, unit]);
  const last = (l: Line) => {
    for (let i = l.values.length - 1; i >= 0; i--) {
      const v = l.values[i];
      if (typeof v === 'number') return `${formatNumber(v, 1)}${unit} ngày ${labels[i] ?? ''}`;
    }
    return 'chưa có';
  };
  const summary = `${title}, từ ${labels[0] ?? '—'} đến ${labels.at(-1) ?? '—'}: ${lines
    .map((l) => `${l.label} ${last(l)}`)
    .join('; ')}`;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div class="chart-box" style={{ height: '300px' }}>
        <canvas ref={canvas} role="img" aria-label={summary} />
      </div>
      <ul class="chart-legend" aria-hidden="true">
        {lines.map((l, i) => (
          <li key={l.label}>
            <svg width="28" height="10" aria-hidden="true">
              <line
                x1="0"
                y1="5"
                x2="28"
                y2="5"
                stroke={colourOf(i)}
                stroke-width="3"
                stroke-dasharray={dashOf(i).join(' ') || undefined}
              />
            </svg>{' '}
            {l.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
