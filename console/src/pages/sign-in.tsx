import { useEffect, useState } from 'preact/hooks';
import {
  type ConsoleConfig,
  type DevUser,
  devLogin,
  listDevUsers,
  roleLabel,
  startHostedLogin,
  takeNotice,
  unitsLabel,
} from '../auth.ts';
import { PageHeading } from '../components/page.tsx';
import { Progress } from '../components/progress.tsx';

export function SignIn({ config }: { config: ConsoleConfig | null }) {
  const [notice] = useState(takeNotice);
  const [users, setUsers] = useState<DevUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => {
    if (config?.mode === 'dev')
      listDevUsers().then(setUsers, () => setError('Không tải được danh sách người dùng thử.'));
  }, [config]);

  const signInAs = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await devLogin(id);
    } catch (e) {
      setError((e as Error).message);
      setBusy(null);
    }
  };

  return (
    <section class="signin">
      <PageHeading title="Đăng nhập">Đăng nhập</PageHeading>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {config === null ? <Progress label="Đang tải cấu hình" /> : null}
      {config?.mode === 'cognito' ? (
        <p>
          <button type="button" class="primary" onClick={() => void startHostedLogin(config)}>
            Đăng nhập bằng tài khoản Sở Nội vụ
          </button>
        </p>
      ) : null}
      {config?.mode === 'none' ? (
        <p class="notice">
          Bản triển khai này dùng nhà cung cấp định danh riêng; bảng điều hành chưa được cấu hình để đăng nhập
          (xem docs/console.md).
        </p>
      ) : null}
      {config?.mode === 'dev' ? (
        <>
          <p>
            Môi trường chạy trên máy (<code>npm start</code>): chọn một người dùng thử. Mỗi người có vai trò
            và phạm vi đơn vị riêng; máy chủ cấp một mã JWT đã ký và API kiểm tra đúng như trên AWS.
          </p>
          {users === null && !error ? <Progress label="Đang tải danh sách người dùng thử" /> : null}
          <ul class="user-list">
            {(users ?? []).map((u) => (
              <li key={u.id}>
                <button
                  type="button"
                  class="user-card"
                  onClick={() => void signInAs(u.id)}
                  disabled={busy !== null}
                  aria-describedby={`u-${u.id}`}
                >
                  <span class="user-name">{u.name}</span>
                  <span class="user-meta" id={`u-${u.id}`}>
                    {roleLabel(u.roles)} · {unitsLabel(u.units)}
                    {u.description ? ` · ${u.description}` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {busy ? <Progress label="Đang đăng nhập" /> : null}
        </>
      ) : null}
      {error ? (
        <div class="error-box" role="alert">
          <p>
            <strong>Đăng nhập: </strong>
            {error}
          </p>
        </div>
      ) : null}
    </section>
  );
}
