import uPlot from 'uplot';
import { useEffect, useRef, useState } from 'preact/hooks';
import { accountPath, allPages, api } from '../api.js';
import { html, Loading, Table, useLoad } from '../components.js';
import { formatDate, formatMoney, formatNumber, t, tv } from '../i18n.js';

/** The period of an instant in a zone, YYYY-MM, and the 12 before it. */
function periodsUpTo(current) {
  const [year, month] = current.split('-').map(Number);
  return Array.from({ length: 13 }, (_, i) => {
    const d = new Date(Date.UTC(year, month - 1 - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

function DayChart({ title, days, values, testId, bars = false }) {
  const holder = useRef(null);
  useEffect(() => {
    if (!holder.current || days.length === 0) return undefined;
    const width = Math.max(300, Math.min(holder.current.clientWidth || 600, 900));
    const xs = days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width,
        height: 220,
        title,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'UTC'),
        scales: { x: { time: true } },
        series: [
          { value: (_, ts) => (ts === null ? '—' : new Date(ts * 1000).toISOString().slice(0, 10)) },
          { label: 'GiB', stroke: '#0b5cad', fill: 'rgba(11,92,173,0.18)', width: 2, ...(bars ? { paths: uPlot.paths.bars({ size: [0.6, 40] }), points: { show: false } } : { points: { show: days.length < 40 } }) },
        ],
        // one tick a day or more apart, written as the day (the account's calendar days)
        axes: [{ incrs: [86400, 2 * 86400, 7 * 86400], values: (_, splits) => splits.map((ts) => new Date(ts * 1000).toISOString().slice(5, 10)) }, { size: 60 }],
      },
      [xs, values.map(Number)],
      holder.current,
    );
    return () => plot.destroy();
  }, [days, values, title]);
  return html`<figure class="chart" data-testid=${testId}>
    <div ref=${holder} role="img" aria-label=${title}></div>
  </figure>`;
}

export function UsagePage() {
  const [period, setPeriod] = useState(null);
  const [bucketId, setBucketId] = useState('total');
  const summary = useLoad(() => api(accountPath(`/usage${period ? `?period=${period}` : ''}`)), [period]);
  const daily = useLoad(() => api(accountPath(`/usage/daily${period ? `?period=${period}` : ''}`)), [period]);
  const buckets = useLoad(() => allPages(accountPath('/buckets')), []);
  const [current, setCurrent] = useState(null);
  useEffect(() => {
    if (!current && summary.data) setCurrent(summary.data.period);
  }, [summary.data]);

  const names = new Map((buckets.data ?? []).map((b) => [b.bucketId, b.name]));
  return html`<h1>${t('usage.title')}</h1>
    ${current &&
    html`<form class="inline" onSubmit=${(e) => e.preventDefault()}>
      <label>${t('usage.period')}<select name="period" value=${period ?? current} onChange=${(e) => setPeriod(e.currentTarget.value)}>
        ${periodsUpTo(current).map((p) => html`<option value=${p}>${p}</option>`)}
      </select></label>
    </form>`}
    <${Loading} state=${summary}>${(usage) => html`
      <p class="muted">${t('usage.asOf', { asOf: formatDate(usage.asOf) })}</p>
      <div class="cards" data-testid="usage-cards">
        <div class="card"><div class="label">${t('usage.gibMonths')}</div><div class="value">${formatNumber(usage.storageGibMonthsToDate, 3)}</div></div>
        <div class="card"><div class="label">${t('usage.egress')}</div><div class="value">${formatNumber(usage.egressGib, 3)}</div></div>
        <div class="card"><div class="label">${t('usage.ingress')}</div><div class="value">${formatNumber(usage.ingressGib, 3)}</div></div>
        <div class="card"><div class="label">${t('usage.requestsA')}</div><div class="value">${formatNumber(usage.requestsA, 0)}</div></div>
        <div class="card"><div class="label">${t('usage.requestsB')}</div><div class="value">${formatNumber(usage.requestsB, 0)}</div></div>
        <div class="card"><div class="label">${t('usage.estimate')}</div><div class="value" data-testid="estimate">${usage.estimatedInvoice ? formatMoney(usage.estimatedInvoice.total, usage.estimatedInvoice.currency) : t('usage.noPlan')}</div></div>
      </div>
      ${usage.estimatedInvoice && html`<h2>${t('usage.estimate')}</h2><${Table} caption=${t('usage.estimate')} head=${[t('usage.line'), { label: t('usage.quantity'), num: true }, { label: t('usage.amount'), num: true }]}
        rows=${usage.estimatedInvoice.lines.map((line) => html`<tr><td>${tv('lineKind', line.kind)}</td><td class="num">${formatNumber(line.quantity, 3)}</td><td class="num">${formatMoney(line.amount, usage.estimatedInvoice.currency)}</td></tr>`)} />`}
    `}<//>
    <${Loading} state=${daily}>${(days) => {
      const series = bucketId === 'total' ? days.total : (days.buckets.find((b) => b.bucketId === bucketId) ?? days.total);
      const scope = bucketId === 'total' ? t('usage.total') : (names.get(bucketId) ?? bucketId);
      return html`
        <h2>${t('usage.storedChart')} · ${scope}</h2>
        <form class="inline" onSubmit=${(e) => e.preventDefault()}>
          <label>${t('usage.bucket')}<select name="bucket" value=${bucketId} onChange=${(e) => setBucketId(e.currentTarget.value)}>
            <option value="total">${t('usage.total')}</option>
            ${days.buckets.map((b) => html`<option value=${b.bucketId}>${names.get(b.bucketId) ?? b.bucketId}</option>`)}
          </select></label>
        </form>
        ${days.days.length === 0
          ? html`<p class="muted">${t('usage.noDays')}</p>`
          : html`
            <${DayChart} title=${`${t('usage.storedChart')} · ${scope}`} days=${days.days} values=${series.storedGib} testId="stored-chart" />
            <h2>${t('usage.egressChart')} · ${scope}</h2>
            <${DayChart} title=${`${t('usage.egressChart')} · ${scope}`} days=${days.days} values=${series.egressGib} testId="egress-chart" bars=${true} />
            <details><summary>${t('usage.table')}</summary>
              <${Table} caption=${t('usage.table')} head=${[t('usage.day'), { label: t('usage.stored'), num: true }, { label: t('usage.egress'), num: true }]}
                rows=${days.days.map((day, i) => html`<tr><td>${formatDate(day)}</td><td class="num">${formatNumber(series.storedGib[i], 3)}</td><td class="num">${formatNumber(series.egressGib[i], 3)}</td></tr>`)} />
            </details>`}`;
    }}<//>`;
}
