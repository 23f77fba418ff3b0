/**
 * The shell: skip link, banner with the signed-in user, navigation that follows the user's role,
 * and the routed page in <main>.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  type ConsoleConfig,
  hostedLogoutUrl,
  loadConfig,
  loadSession,
  onSessionChange,
  roleLabel,
  type Session,
  signOut,
  type User,
  unitsLabel,
} from './auth.ts';
import { Callback } from './pages/callback.tsx';
import { NotFound } from './pages/not-found.tsx';
import { RoundDetail } from './pages/round-detail.tsx';
import { RoundNew } from './pages/round-new.tsx';
import { Rounds } from './pages/rounds.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { BASE, matchPath, navigate, onLinkClick, useLocation } from './router.ts';

const useSession = (): Session | null => {
  const [session, setSession] = useState(loadSession());
  useEffect(() => onSessionChange(() => setSession(loadSession())), []);
  return session;
};

export function App() {
  const session = useSession();
  const { path, search } = useLocation();
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  useEffect(() => {
    void loadConfig().then(setConfig);
  }, []);

  if (path === '/callback')
    return (
      <Shell session={null} config={config}>
        {config ? <Callback config={config} search={search} /> : null}
      </Shell>
    );
  if (!session) {
    return (
      <Shell session={null} config={config}>
        <SignIn config={config} />
      </Shell>
    );
  }
  const user = session.user;
  const page = route(path, user);
  return (
    <Shell session={session} config={config} path={path}>
      {page}
    </Shell>
  );
}

const TABS = ['rosters', 'respondents', 'sampling', 'fieldwork', 'paper', 'par', 'results', 'audit'] as const;

function route(path: string, user: User) {
  if (path === '/' || path === '/rounds') return <Rounds user={user} />;
  if (path === '/signin') {
    navigate(`${BASE}/`, true);
    return <Rounds user={user} />;
  }
  if (path === '/rounds/new') return <RoundNew user={user} />;
  const detail = matchPath('/rounds/:id', path);
  if (detail) return <RoundDetail user={user} roundId={detail.id!} tab="overview" />;
  const parUnit = matchPath('/rounds/:id/par/:unit', path);
  if (parUnit) return <RoundDetail user={user} roundId={parUnit.id!} tab="par" unitCode={parUnit.unit!} />;
  const tab = matchPath('/rounds/:id/:tab', path);
  const which = TABS.find((t) => t === tab?.tab);
  if (tab && which) return <RoundDetail user={user} roundId={tab.id!} tab={which} />;
  return <NotFound />;
}

function Shell({
  session,
  config,
  path,
  children,
}: {
  session: Session | null;
  config: ConsoleConfig | null;
  path?: string;
  children: preact.ComponentChildren;
}) {
  const logout = () => {
    signOut();
    if (config?.mode === 'cognito') location.assign(hostedLogoutUrl(config));
    else navigate(`${BASE}/`);
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: delegated link handling; every link stays a real <a>
    // biome-ignore lint/a11y/useKeyWithClickEvents: Enter on a link fires click, handled here
    <div class="shell" onClick={onLinkClick}>
      <a class="skip" href="#main">
        Bỏ qua, đến nội dung chính
      </a>
      <header class="banner">
        <a class="brand" href={`${BASE}/`}>
          dieutra · Bảng điều hành khảo sát
        </a>
        {session ? (
          <div class="who">
            <span>
              <strong>{session.user.name}</strong> · {roleLabel(session.user.roles)} ·{' '}
              {unitsLabel(session.user.units)}
            </span>
            <button type="button" class="link-button" onClick={logout}>
              Đăng xuất
            </button>
          </div>
        ) : null}
      </header>
      {session ? (
        <nav class="topnav" aria-label="Điều hướng chính">
          <a
            href={`${BASE}/`}
            aria-current={path === '/' || path?.startsWith('/rounds') ? 'page' : undefined}
          >
            Đợt khảo sát
          </a>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer class="footer">
        <p>Sở Nội vụ · Điều tra xã hội học SIPAS và Chỉ số CCHC. Giờ hiển thị theo giờ Việt Nam (UTC+7).</p>
      </footer>
    </div>
  );
}
