import { useEffect, useState } from 'preact/hooks';
import { type ConsoleConfig, finishHostedLogin } from '../auth.ts';
import { PageHeading } from '../components/page.tsx';
import { Progress } from '../components/progress.tsx';
import { BASE, navigate } from '../router.ts';

/** Cognito sends the browser back here with `?code=…&state=…`. */
export function Callback({ config, search }: { config: ConsoleConfig; search: string }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (config.mode !== 'cognito') {
      navigate(`${BASE}/`, true);
      return;
    }
    finishHostedLogin(config, search).then(
      (back) => navigate(back, true),
      (e: Error) => setError(e.message),
    );
  }, [config, search]);
  return (
    <section>
      <PageHeading title="Đang đăng nhập">Đang đăng nhập</PageHeading>
      {error ? (
        <div class="error-box" role="alert">
          <p>
            <strong>Đăng nhập: </strong>
            {error}
          </p>
          <p>
            <a href={`${BASE}/`}>Thử lại</a>
          </p>
        </div>
      ) : (
        <Progress label="Đang xác nhận tài khoản" />
      )}
    </section>
  );
}
