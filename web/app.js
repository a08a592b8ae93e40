// silkroute web page: a map of the network and the routes the API returns. No external requests:
// every asset is served by silkroute itself.
import * as maplibregl from '/assets/maplibre-gl.mjs';

const ROUTE_COLOURS = ['#d7301f', '#2b8cbe', '#31a354', '#756bb1', '#fd8d3c'];
const MODE_COLOURS = { rail: '#6b4f3a', road: '#c98b2b', sea: '#2171b5', air: '#9e9ac8' };
const $ = (id) => document.getElementById(id);
const state = { routes: [], selected: 0, labels: [] };
window.__silkroute = { routeDrawn: false, legs: 0, errors: [] };

async function api(path) {
  const res = await fetch(path);
  const body = await res.json();
  if (!res.ok) {
    const e = body.error || {};
    const hint = (e.suggestions || []).map((s) => s.name).join(', ');
    throw new Error(`${e.message || res.status}${hint ? ` (did you mean ${hint}?)` : ''}`);
  }
  return body;
}

const fmt = (v, d = 0) => Number(v).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const days = (h) => `${fmt(h / 24, 1)} d`;

async function countries() {
  const topo = await (await fetch('/assets/countries-110m.json')).json();
  return topojson.feature(topo, topo.objects.countries);
}

function style(countryData) {
  return {
    version: 8,
    sources: {
      countries: { type: 'geojson', data: countryData },
      network: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      routes: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      markers: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': '#c9dbe6' } },
      { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': '#f2efe6' } },
      { id: 'borders', type: 'line', source: 'countries', paint: { 'line-color': '#a9a39a', 'line-width': 0.8 } },
      {
        id: 'network', type: 'line', source: 'network', filter: ['all', ['==', ['get', 'feature'], 'link'], ['!=', ['get', 'status'], 'planned']],
        paint: {
          'line-color': ['match', ['get', 'mode'], 'rail', MODE_COLOURS.rail, 'road', MODE_COLOURS.road, 'sea', MODE_COLOURS.sea, MODE_COLOURS.air],
          'line-width': ['match', ['get', 'mode'], 'rail', 1.6, 'air', 0.6, 1.1],
          'line-opacity': ['match', ['get', 'mode'], 'air', 0.35, 0.55],
        },
      },
      {
        id: 'network-planned', type: 'line', source: 'network',
        filter: ['all', ['==', ['get', 'feature'], 'link'], ['==', ['get', 'status'], 'planned']],
        paint: { 'line-color': '#111', 'line-width': 2, 'line-dasharray': [2, 2] },
      },
      { id: 'places', type: 'circle', source: 'network', filter: ['==', ['get', 'feature'], 'place'], paint: { 'circle-radius': 2.5, 'circle-color': '#555' } },
      { id: 'routes-casing', type: 'line', source: 'routes', layout: { 'line-cap': 'round', 'line-join': 'round' }, paint: { 'line-color': '#fff', 'line-width': ['case', ['get', 'selected'], 8, 5] } },
      {
        id: 'routes', type: 'line', source: 'routes', layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': ['get', 'colour'], 'line-width': ['case', ['get', 'selected'], 5, 3], 'line-opacity': ['case', ['get', 'selected'], 1, 0.7] },
      },
      {
        id: 'markers', type: 'circle', source: 'markers',
        paint: {
          'circle-radius': 6, 'circle-stroke-width': 2, 'circle-stroke-color': '#fff',
          'circle-color': ['match', ['get', 'kind'], 'border', '#e6550d', 'gauge', '#6a51a3', 'customs', '#31a354', '#333'],
        },
      },
    ],
  };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

// `2026-12-08T09:00+08:00[Asia/Shanghai]` as `Tue 08.12 09:00` (the local time the API gives).
function local(iso) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d)/.exec(iso || '');
  if (!m) return '';
  const day = WEEKDAYS[new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay()];
  return `${day} ${m[3]}.${m[2]} ${m[4]}`;
}

const escape = (t) => String(t || '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function legRow(l, name) {
  const kind = l.gauge_change ? 'gauge' : l.kind;
  const mode = l.gauge_mm ? `${l.mode} ${l.gauge_mm}` : l.mode;
  const pauses = (l.pauses || []).length ? ` <span class="pauses" title="${escape(l.pauses.map((p) => `${p.kind.replace('_', ' ')} ${fmt(p.hours, 2)} h from ${local(p.starts)}`).join('; '))}">(${l.pauses.length} stop${l.pauses.length > 1 ? 's' : ''})</span>` : '';
  const when = l.departs ? `${local(l.departs)}<br>${local(l.arrives)}` : '';
  return `<tr class="${kind}" title="${escape(l.description)}"><td>${name(l.from)}</td><td>${l.from === l.to ? '' : name(l.to)}</td><td>${mode}</td><td>${kind}${pauses}${l.service ? `<br><small class="service">${escape(l.service_name || l.service)}</small>` : ''}</td>` +
    `<td class="when">${when}</td>` +
    `<td class="n">${fmt(l.distance_km)}</td><td class="n">${fmt(l.time_h, 1)}</td><td class="n">${fmt(l.cost_usd)}</td><td class="n">${fmt(l.co2e_kg)}</td></tr>`;
}

function render(map, places) {
  const name = (id) => (places.get(id) || { name: id }).name;
  const routes = state.routes;
  $('options').innerHTML = routes.map((r, i) => {
    const s = r.summary;
    const via = [...s.borders, ...(s.ports.length ? [`ports ${s.ports.join('→')}`] : [])].join(', ') || 'no border';
    const when = s.ready && s.arrives ? `ready ${local(s.ready)} → arrives ${local(s.arrives)} (local)<br>` : '';
    return `<div class="option${i === state.selected ? ' selected' : ''}" data-i="${i}" style="border-color:${ROUTE_COLOURS[i % ROUTE_COLOURS.length]}">` +
      `<b>${days(s.time_h.p50)}</b> typical, ${days(s.time_h.p90)} bad case · <b>${fmt(s.cost_usd)} USD</b> · ${fmt(s.co2e_kg)} kg CO2e<br>${when}` +
      `<small>${s.modes.join(' + ')} · ${fmt(s.distance_km)} km · ${via} · ${s.gauge_changes} gauge change(s)</small></div>`;
  }).join('');
  for (const el of document.querySelectorAll('.option')) {
    el.addEventListener('click', () => { state.selected = Number(el.dataset.i); render(map, places); });
  }
  const r = routes[state.selected];
  $('legs').querySelector('tbody').innerHTML = r ? r.legs.map((l) => legRow(l, name)).join('') : '';
  $('legs').querySelector('tfoot').innerHTML = r
    ? `<tr><td colspan="5">total</td><td class="n">${fmt(r.summary.distance_km)}</td><td class="n" title="p50 of the total (legs convolved), not the sum of the column">${fmt(r.summary.time_h.p50, 1)} (p50)</td><td class="n">${fmt(r.summary.cost_usd)}</td><td class="n">${fmt(r.summary.co2e_kg)}</td></tr>`
    : '';
  map.getSource('routes').setData({
    type: 'FeatureCollection',
    features: routes.map((x, i) => ({ type: 'Feature', geometry: x.geometry, properties: { colour: ROUTE_COLOURS[i % ROUTE_COLOURS.length], selected: i === state.selected } }))
      .sort((a, b) => Number(a.properties.selected) - Number(b.properties.selected)),
  });
  const markers = [];
  for (const l of r ? r.legs : []) {
    const p = places.get(l.to);
    if (p && (l.kind === 'border' || l.kind === 'customs' || l.gauge_change)) {
      const kind = l.gauge_change ? 'gauge' : l.kind;
      markers.push({ type: 'Feature', geometry: { type: 'Point', coordinates: p.coordinates }, properties: { kind } });
    }
  }
  map.getSource('markers').setData({ type: 'FeatureCollection', features: markers });
  // Place names as HTML markers (MapLibre's text layers would need glyph files).
  for (const m of state.labels) m.remove();
  state.labels = [];
  const seen = new Set();
  for (const l of r ? r.legs : []) {
    for (const id of [l.from, l.to]) {
      const p = places.get(id);
      if (!p || seen.has(id)) continue;
      seen.add(id);
      const el = document.createElement('div');
      el.className = 'place-label';
      el.textContent = p.name;
      state.labels.push(new maplibregl.Marker({ element: el, anchor: 'left', offset: [8, 0] }).setLngLat(p.coordinates).addTo(map));
    }
  }
  if (r && r.geometry.coordinates.length > 1) {
    const b = r.geometry.coordinates.reduce((acc, c) => acc.extend(c), new maplibregl.LngLatBounds(r.geometry.coordinates[0], r.geometry.coordinates[0]));
    map.fitBounds(b, { padding: 60, duration: 0 });
  }
  window.__silkroute.legs = r ? r.legs.length : 0;
}

async function search(map, places) {
  window.__silkroute.routeDrawn = false;
  $('status').textContent = 'routing…';
  $('delta').textContent = '';
  const modes = [...document.querySelectorAll('#modes input:checked')].map((c) => c.value).join(',');
  const q = new URLSearchParams({ from: $('from').value, to: $('to').value, by: $('by').value, modes, alternatives: '3' });
  const depart = $('depart').value;
  const windowed = $('window').value;
  if (depart) q.set('depart', depart);
  if (windowed) {
    if (!depart) {
      $('status').textContent = 'a departure list needs a ready time: set "Ready at"';
      return;
    }
    q.set('window', windowed);
    q.delete('alternatives');
  }
  const scenario = $('scenario').value;
  if (scenario) q.set('scenario', scenario);
  try {
    const answer = await api(`/v1/route?${q}`);
    state.routes = answer.routes;
    state.selected = 0;
    $('status').textContent = `${answer.from.name} → ${answer.to.name}: ${answer.routes.length} option(s), ${answer.objective}`;
    if (scenario) {
      q.delete('scenario');
      const base = await api(`/v1/route?${q}`).catch(() => null);
      const a = base && base.routes[0] ? base.routes[0].summary : null;
      const b = answer.routes[0].summary;
      $('delta').textContent = a
        ? `With ${scenario}: ${fmt((b.time_h.p50 - a.time_h.p50) / 24, 1)} d typical (p50), ${fmt(b.cost_usd - a.cost_usd)} USD, ${fmt(b.co2e_kg - a.co2e_kg)} kg CO2e versus today (best route; borders ${a.borders.join(', ') || 'none'} → ${b.borders.join(', ') || 'none'})`
        : `With ${scenario}: a route exists that today's network does not offer.`;
    }
    render(map, places);
    map.once('idle', () => { window.__silkroute.routeDrawn = true; });
    map.triggerRepaint();
  } catch (e) {
    state.routes = [];
    render(map, places);
    $('status').textContent = e.message;
  }
}

// The traveller tab: /v1/trip, its journeys, the countries with their rules, the problems.
function drawTrip(map, places, t) {
  const name = (id) => (places.get(id) || { name: id }).name;
  const v = $('verdict');
  v.className = t.verdict;
  v.textContent = {
    allowed: 'Allowed: every entry is allowed on this passport as planned',
    visa_needed: 'Allowed with the visas below (get them before setting off)',
    unknown: 'Unknown: the data has no entry rule for a country on the way (no guess is made)',
    refused: 'Refused as planned: see the problems below',
  }[t.verdict];
  const rows = [];
  t.journeys.forEach((j, k) => {
    for (const l of j.legs) {
      const where = l.from === l.to ? name(l.from) : `${name(l.from)} → ${name(l.to)}`;
      const fare = l.fare_usd === null || l.fare_usd === undefined ? (l.kind === 'ride' ? '?' : '') : fmt(l.fare_usd);
      rows.push(`<tr class="${l.kind}" title="${escape(l.description)}${l.fare_source ? `\nfare: ${escape(l.fare_source)}` : ''}"><td>${k + 1}</td><td>${l.kind} ${l.mode}</td><td>${escape(where)}</td>` +
        `<td class="service">${escape(l.service_name || '')}</td><td class="when">${local(l.departs)}<br>${local(l.arrives)}</td>` +
        `<td class="n">${fmt(l.hours, 1)}</td><td class="n">${fare}</td><td class="n">${fmt(l.co2e_kg, 1)}</td></tr>`);
    }
  });
  $('trip-legs').querySelector('tbody').innerHTML = rows.join('');
  $('trip-options').innerHTML = t.journeys.flatMap((j, k) => j.other_options.map((o) =>
    `<p class="other">Journey ${k + 1} by ${o.mode}: ${escape(o.services.join(', then '))}, leaves ${local(o.departs)}, arrives ${local(o.arrives)} (${fmt(o.hours, 1)} h)</p>`)).join('');
  $('trip-countries').querySelector('tbody').innerHTML = t.stays.map((s) => {
    const allowance = s.period ? `${s.period.days_used}/${s.period.days_allowed} days in ${s.period.period_days}` : (s.days_per_stay ? `${s.days_per_stay} days a stay` : '');
    const rule = s.rule ? `<span title="${escape(s.rule.source)}">${escape(s.rule.id)} (${s.rule.regime.replace('_', ' ')})</span>` : '';
    return `<tr class="${s.status}" title="${escape(s.notes.join('; '))}"><td>${escape(s.country_name)}</td><td class="when">${local(s.entered)}<br>${local(s.left)}</td><td class="n">${s.days}</td><td>${s.purpose}</td><td>${s.status.replace('_', ' ')}</td><td>${allowance}</td><td>${rule}</td></tr>`;
  }).join('');
  const alt = (a) => ({
    shorter_stay: () => `stay at most ${a.max_stay_days} days at ${escape(name(a.place))}`,
    other_route: () => `go around ${a.avoids}: ${a.via.map(name).map(escape).join(' → ')} (arrives ${local(a.arrives)})`,
    visa: () => `get a ${a.regime.replace('_', ' ')} for ${a.country}${a.lead_days !== null ? `, ${a.lead_days} days ahead` : ''}${a.fee_usd !== null ? `, ${fmt(a.fee_usd)} USD` : ''}`,
  }[a.kind])();
  $('problems').innerHTML = t.problems.length
    ? `<b>Problems</b><ul>${t.problems.map((p) => `<li>${escape(p.message)}${p.alternatives.length ? `<br>instead: ${p.alternatives.map(alt).join('; or ')}` : ''}</li>`).join('')}</ul>`
    : '';
  const coords = [];
  for (const j of t.journeys) {
    for (const l of j.legs) {
      for (const id of [l.from, l.to]) {
        const p = places.get(id);
        if (p && (!coords.length || coords[coords.length - 1] !== p.coordinates)) coords.push(p.coordinates);
      }
    }
  }
  for (const m of state.labels) m.remove();
  state.labels = [];
  const labelled = new Set();
  for (const j of t.journeys) {
    for (const id of [j.from, j.to]) {
      const p = places.get(id);
      if (!p || labelled.has(id)) continue;
      labelled.add(id);
      const el = document.createElement('div');
      el.className = 'place-label';
      el.textContent = p.name;
      state.labels.push(new maplibregl.Marker({ element: el, anchor: 'left', offset: [8, 0] }).setLngLat(p.coordinates).addTo(map));
    }
  }
  map.getSource('routes').setData({ type: 'FeatureCollection', features: coords.length > 1 ? [{ type: 'Feature', geometry: { type: 'LineString', coordinates: coords }, properties: { colour: ROUTE_COLOURS[0], selected: true } }] : [] });
  map.getSource('markers').setData({ type: 'FeatureCollection', features: [] });
  if (coords.length > 1) {
    const b = coords.reduce((acc, c) => acc.extend(c), new maplibregl.LngLatBounds(coords[0], coords[0]));
    map.fitBounds(b, { padding: 60, duration: 0 });
  }
}

async function planTrip(map, places) {
  window.__silkroute.tripDrawn = false;
  $('trip-status').textContent = 'planning…';
  const stops = [$('trip-from').value, $('trip-to').value, $('trip-then').value].filter((s) => s.trim());
  const q = new URLSearchParams({ places: stops.join(','), passport: $('passport').value, date: $('trip-date').value, stay: `${$('trip-stay').value || 0}d`, purpose: $('purpose').value });
  try {
    const t = await api(`/v1/trip?${q}`);
    $('trip-status').textContent = `${stops.join(' → ')}: ${t.journeys.length} journey(s), fares ${fmt(t.fare_usd)} USD${t.fares_complete ? '' : ' known (some not in the data)'}, ${fmt(t.co2e_kg)} kg CO2e per passenger`;
    drawTrip(map, places, t);
    map.once('idle', () => { window.__silkroute.tripDrawn = true; });
    map.triggerRepaint();
  } catch (e) {
    $('trip-status').textContent = e.message;
    $('verdict').className = '';
    $('verdict').textContent = '';
    window.__silkroute.tripDrawn = true;
  }
}

function showTab(which) {
  $('freight').hidden = which !== 'freight';
  $('traveller').hidden = which !== 'trip';
  $('tab-freight').classList.toggle('active', which === 'freight');
  $('tab-trip').classList.toggle('active', which === 'trip');
}

async function main() {
  const [countryData, network, scenarios, placeList] = await Promise.all([
    countries(), api('/v1/network.geojson'), api('/v1/scenarios'), api('/v1/places'),
  ]);
  const places = new Map(placeList.places.map((p) => [p.id, p]));
  $('places').innerHTML = placeList.places.map((p) => `<option value="${p.name.replace(/"/g, '&quot;')}">${p.name_zh || ''} ${p.name_ru || ''}</option>`).join('');
  for (const s of scenarios.scenarios) {
    const o = document.createElement('option');
    o.value = s.name;
    o.textContent = s.name;
    o.title = s.description;
    $('scenario').appendChild(o);
  }
  const map = new maplibregl.Map({ container: 'map', style: style(countryData), center: [72, 42], zoom: 3.2, attributionControl: false });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  await new Promise((ok) => map.on('load', ok));
  map.getSource('network').setData(network);
  $('query').addEventListener('submit', (e) => { e.preventDefault(); search(map, places); });
  $('scenario').addEventListener('change', async () => {
    const scenario = $('scenario').value;
    map.getSource('network').setData(await api(`/v1/network.geojson${scenario ? `?scenario=${scenario}` : ''}`));
    if (state.routes.length) search(map, places);
  });
  const passports = ['CN', 'KZ', 'KG', 'UZ', 'TJ', 'TM', 'AZ', 'GE', 'TR', 'RU', 'DE', 'US', 'IN'];
  $('passport').innerHTML = passports.map((p) => `<option>${p}</option>`).join('');
  $('tab-freight').addEventListener('click', () => showTab('freight'));
  $('tab-trip').addEventListener('click', () => showTab('trip'));
  $('trip').addEventListener('submit', (e) => { e.preventDefault(); planTrip(map, places); });
  window.__silkroute.ready = true;
}

main().catch((e) => { window.__silkroute.errors.push(String(e)); $('status').textContent = `error: ${e.message}`; });
