export function TasksApp() {
  return (
    <main class="tasks">
      <h1>Client Tasks</h1>
      <p class="muted">Tasks appear here once a Xero company is connected and its accounts are chosen.</p>
    </main>
  );
}
