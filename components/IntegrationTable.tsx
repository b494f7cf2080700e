/** The admin's table of connected Xero companies (Setup & Settings → Xero integration). */
export function IntegrationTable() {
  return (
    <table aria-label="Connected Xero companies">
      <thead>
        <tr>
          <th scope="col">Xero company</th>
          <th scope="col">Client Hub workspace</th>
          <th scope="col">Monitored accounts</th>
          <th scope="col">Sent by</th>
          <th scope="col">Last synced</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td colSpan={6} class="muted">
            No Xero company is connected yet.
          </td>
        </tr>
      </tbody>
    </table>
  );
}
