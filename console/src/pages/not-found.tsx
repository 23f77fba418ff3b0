import { PageHeading } from '../components/page.tsx';
import { BASE } from '../router.ts';

export function NotFound() {
  return (
    <section>
      <PageHeading title="Không tìm thấy trang">Không tìm thấy trang</PageHeading>
      <p>
        Đường dẫn này không có trong bảng điều hành. <a href={`${BASE}/`}>Về danh sách đợt khảo sát</a>
      </p>
    </section>
  );
}
