import { defineRoutes } from '../../shared/platform/http.ts';

export const rosterIntakeRoutes = defineRoutes({
  uploadRoster: {
    method: 'POST',
    path: '/api/rounds/{roundId}/rosters',
    auth: 'ops',
    roles: ['admin', 'operator'],
    // API Gateway caps a request at 10 MB (the local gateway too); larger files take the
    // presigned-upload path. Lambda's 6 MB payload limit applies to the base64 body in AWS.
    maxBodyBytes: 10 * 1024 * 1024,
    tooLargeHint:
      'Tệp lớn hơn 10 MB: hãy tải lên qua đường dẫn ký sẵn (gửi JSON {"upload": true, "filename": "…"}).',
  },
  getImport: { method: 'GET', path: '/api/rounds/{roundId}/rosters/{importId}', auth: 'ops' },
  getImportErrors: {
    method: 'GET',
    path: '/api/rounds/{roundId}/rosters/{importId}/errors.csv',
    auth: 'ops',
  },
  listRespondents: {
    method: 'GET',
    path: '/api/rounds/{roundId}/respondents',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
  listRespondentsCsv: {
    method: 'GET',
    path: '/api/rounds/{roundId}/respondents.csv',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
  listRespondentsXlsx: {
    method: 'GET',
    path: '/api/rounds/{roundId}/respondents.xlsx',
    auth: 'ops',
    roles: ['admin', 'operator'],
  },
  replaceStaffPhones: {
    method: 'POST',
    path: '/api/rounds/{roundId}/staff-phones',
    auth: 'ops',
    roles: ['admin'],
    maxBodyBytes: 1024 * 1024,
  },
  getImportReportCsv: {
    method: 'GET',
    path: '/api/rounds/{roundId}/rosters/{importId}/report.csv',
    auth: 'ops',
  },
  getImportReportXlsx: {
    method: 'GET',
    path: '/api/rounds/{roundId}/rosters/{importId}/report.xlsx',
    auth: 'ops',
  },
});
