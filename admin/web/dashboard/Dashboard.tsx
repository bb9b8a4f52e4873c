/** District staff see their districts only: the API decides. */
import { Box, Card, CardActionArea, CardContent, MenuItem, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { Title, useDataProvider, useNotify, usePermissions, useTranslate } from 'react-admin';
import { Link, Navigate } from 'react-router-dom';
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { localDate, startOfLocalDay } from '../../../core/calendar.ts';
import { formatDateTime, formatDay, formatNumber, formatPercent } from '../../../core/format.ts';
import { bilingual, useLocale } from '../common/fields.tsx';
import { useDistricts } from '../common/inputs.tsx';
import type { Dashboard as DashboardData, PanelDataProvider } from '../providers/data-provider.ts';
import { errorMessage } from '../providers/http.ts';

const COLORS = ['#00587a', '#f2a900', '#2e7d32', '#c62828', '#6a1b9a', '#00838f'];
const LIST_COLORS = ['#c62828', '#2e7d32', '#00587a'];
const count = formatNumber;
const percent = formatPercent;

const listOf = (filter: Record<string, unknown>) => `/applications?filter=${encodeURIComponent(JSON.stringify(filter))}`;

function Tile({ label, value, hint, to }: { label: string; value: string | number; hint?: string; to?: string }) {
  const translate = useTranslate();
  return (
    <Card variant="outlined" sx={{ flex: '1 1 200px' }}>
      <CardActionArea component={to ? Link : 'div'} to={to} disabled={!to} sx={{ height: '100%' }} data-testid={to ? 'tile-link' : undefined}>
        <CardContent>
          <Typography color="text.secondary" variant="body2">
            {translate(label)}
          </Typography>
          <Typography variant="h4">{value}</Typography>
          {hint && (
            <Typography variant="caption" color="text.secondary">
              {hint}
            </Typography>
          )}
        </CardContent>
      </CardActionArea>
    </Card>
  );
}

function Chart({ title, children }: { title: string; children: React.ReactElement }) {
  const translate = useTranslate();
  return (
    <Card variant="outlined" sx={{ flex: '1 1 420px', minWidth: 0 }}>
      <CardContent>
        <Typography variant="subtitle1" gutterBottom>
          {translate(title)}
        </Typography>
        <Box sx={{ height: 260 }}>
          <ResponsiveContainer width="100%" height="100%">
            {children}
          </ResponsiveContainer>
        </Box>
      </CardContent>
    </Card>
  );
}

export function Dashboard() {
  const { permissions = [], isPending } = usePermissions<string[]>();
  if (isPending) return null;
  if (!permissions.includes('dashboard.read')) return <Navigate to={permissions.includes('lookup') ? '/lookup' : '/bot-preview'} replace />;
  return <DashboardView />;
}

function DashboardView() {
  const translate = useTranslate();
  const locale = useLocale();
  const dataProvider = useDataProvider<PanelDataProvider>();
  const notify = useNotify();
  const [districtId, setDistrictId] = useState<number | ''>('');
  const [data, setData] = useState<DashboardData | null>(null);
  const { districts } = useDistricts();
  useEffect(() => {
    let live = true;
    dataProvider
      .dashboard(districtId || null)
      .then((d) => live && setData(d))
      .catch((error: unknown) => {
        const { message, args } = errorMessage(error);
        notify(message, { type: 'error', messageArgs: args });
      });
    return () => {
      live = false;
    };
  }, [dataProvider, districtId, notify]);

  // The tiles open the list of what they count, in the district chosen here (the API scopes the rest).
  const scope = districtId ? { districtId } : {};
  const districtName = (id: number) => bilingual(districts.find((d) => d.id === id), 'name', locale) || `#${id}`;
  const visible = data?.districtIds ? districts.filter((d) => data.districtIds!.includes(d.id as number) || districtId === d.id) : districts;
  // Every day of the window, also those without applications.
  const days = Array.from({ length: 14 }, (_, i) => new Date(Date.now() + 5 * 3_600_000 - (13 - i) * 86_400_000).toISOString().slice(0, 10));
  const channels = data ? [...new Set(data.perDay.map((d) => d.channel))] : [];
  const perDay = days.map((day) => ({
    day: formatDay(day).slice(0, 5),
    ...Object.fromEntries(channels.map((c) => [translate(`channel.${c}`), data!.perDay.find((d) => d.day === day && d.channel === c)?.n ?? 0])),
  }));

  return (
    <Box sx={{ p: 2, display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Title title="ra.page.dashboard" />
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2 }}>
        <Typography variant="h5" sx={{ flex: 1 }}>
          {translate('admin.dashboard.title')}
        </Typography>
        <TextField
          select
          size="small"
          label={translate('resources.applications.fields.districtId')}
          value={districtId}
          onChange={(e) => setDistrictId(e.target.value === '' ? '' : Number(e.target.value))}
          slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
          sx={{ width: 300 }}
        >
          <MenuItem value="">{translate(data?.districtIds && !districtId ? 'admin.dashboard.myDistricts' : 'admin.dashboard.allDistricts')}</MenuItem>
          {visible.map((d) => (
            <MenuItem key={d.id} value={d.id}>
              {bilingual(d, 'name', locale)}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      {data && (
        <>
          <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }} data-testid="tiles">
            <Tile label="admin.dashboard.waiting" value={count(data.queue.total)} to={listOf({ status: 'registered', ...scope })} />
            <Tile
              label="admin.dashboard.today"
              value={count(data.applicationsToday)}
              to={listOf({ registeredFrom: startOfLocalDay(localDate(new Date())).toISOString(), ...scope })}
            />
            <Tile
              label="admin.dashboard.awaiting"
              to={listOf({ status: 'submitted', ...scope })}
              value={data.awaitingVerification.submitted + data.awaitingVerification.priority}
              hint={translate('admin.dashboard.awaitingHint', data.awaitingVerification)}
            />
            <Tile
              label="admin.dashboard.secondApproval"
              to={listOf({ awaitingSecondApproval: true, ...scope })}
              value={count(data.secondApproval.waiting)}
              hint={
                data.secondApproval.oldestAt
                  ? translate('admin.dashboard.secondApprovalOldest', {
                      date: formatDateTime(data.secondApproval.oldestAt),
                      days: Math.floor((Date.now() - Date.parse(data.secondApproval.oldestAt)) / 86_400_000),
                    })
                  : undefined
              }
            />
            <Tile
              label="admin.dashboard.deadline"
              value={percent(data.deadline.share)}
              hint={[
                translate('admin.dashboard.deadlineHint', { within: data.deadline.within, results: data.deadline.results, count: data.deadline.minutes }),
                // Counted as late already; say how many are still waiting past their deadline.
                data.deadline.overdue ? translate('admin.dashboard.deadlineOverdue', { overdue: data.deadline.overdue }) : '',
              ]
                .filter(Boolean)
                .join('; ')}
            />
          </Box>
          <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
            <Chart title="admin.dashboard.byDistrict">
              <BarChart data={data.queue.byDistrict.map((r) => ({ name: districtName(r.key), n: r.n }))} layout="vertical" margin={{ left: 40 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" />
                <YAxis type="category" dataKey="name" width={140} tick={{ fontSize: 11 }} />
                <Tooltip />
                <Bar dataKey="n" name={translate('admin.dashboard.children')} fill={COLORS[0]} maxBarSize={28} isAnimationActive={false} />
              </BarChart>
            </Chart>
            <Chart title="admin.dashboard.byBirthYear">
              <BarChart data={data.queue.byBirthYear.map((r) => ({ name: String(r.key), n: r.n }))}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" />
                <YAxis />
                <Tooltip />
                <Bar dataKey="n" name={translate('admin.dashboard.children')} fill={COLORS[1]} maxBarSize={48} isAnimationActive={false} />
              </BarChart>
            </Chart>
          </Box>
          <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
            <Chart title="admin.dashboard.byLanguage">
              <PieChart>
                <Pie
                  data={data.queue.byLanguage.map((r) => ({ name: translate(`language.${r.key}`), value: r.n }))}
                  dataKey="value"
                  nameKey="name"
                  outerRadius={90}
                  label
                  isAnimationActive={false}
                >
                  {data.queue.byLanguage.map((r, i) => (
                    <Cell key={r.key} fill={COLORS[i % COLORS.length]} />
                  ))}
                </Pie>
                <Legend />
                <Tooltip />
              </PieChart>
            </Chart>
            <Chart title="admin.dashboard.byList">
              <PieChart>
                <Pie
                  data={data.queue.byList.map((r) => ({ name: translate(`list.${['extraordinary', 'firstPriority', 'general'][r.key]}`), value: r.n }))}
                  dataKey="value"
                  nameKey="name"
                  outerRadius={90}
                  label
                  isAnimationActive={false}
                >
                  {data.queue.byList.map((r) => (
                    <Cell key={r.key} fill={LIST_COLORS[r.key] ?? COLORS[0]} />
                  ))}
                </Pie>
                <Legend />
                <Tooltip />
              </PieChart>
            </Chart>
          </Box>
          <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
            <Chart title="admin.dashboard.perDay">
              <LineChart data={perDay}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="day" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend />
                {channels.map((c, i) => (
                  <Line key={c} type="linear" dataKey={translate(`channel.${c}`)} stroke={COLORS[i % COLORS.length]} isAnimationActive={false} />
                ))}
              </LineChart>
            </Chart>
            <Chart title="admin.dashboard.quality">
              {data.quality.responses === 0 ? (
                <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', height: '100%', color: 'text.secondary' }}>
                  {translate('admin.dashboard.noResponses')}
                </Box>
              ) : (
              <BarChart data={data.quality.indicators.map((q) => ({ name: translate(`admin.dashboard.indicators.${q.key}`), share: q.share === null ? 0 : Math.round(q.share * 100), n: q.responses }))} layout="vertical" margin={{ left: 40 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" domain={[0, 100]} unit="%" />
                <YAxis type="category" dataKey="name" width={170} tick={{ fontSize: 11 }} />
                <Tooltip />
                <Bar dataKey="share" name={translate('admin.dashboard.satisfied')} fill={COLORS[2]} maxBarSize={24} isAnimationActive={false} />
              </BarChart>
              )}
            </Chart>
          </Box>
          <Typography variant="caption" color="text.secondary">
            {translate('admin.dashboard.qualityHint', { responses: data.quality.responses })}
          </Typography>
        </>
      )}
    </Box>
  );
}
