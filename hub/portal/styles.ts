/**
 * The portal's stylesheet: phone first (360 px up), system fonts, large touch targets, visible
 * focus, colours with at least 4.5:1 contrast.
 */
export const PORTAL_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;background:#f4f5f7}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:8px 12px}
.skip:focus{left:8px;top:8px;z-index:10}
.top{background:#0b3d6b;color:#fff;padding:12px 16px}
.firm{font-weight:600}
main{max-width:640px;margin:0 auto;padding:16px}
main:focus{outline:none}
h1{font-size:1.5rem;line-height:1.25;margin:8px 0 16px}
h2{font-size:1.15rem;margin:24px 0 8px}
p{margin:0 0 16px}
.card{background:#fff;border-radius:8px;padding:16px;margin:0 0 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
label{display:block;font-weight:600;margin:0 0 6px}
.hint{display:block;font-weight:400;color:#52606d;font-size:.9rem;margin:0 0 6px}
input[type=email],input[type=text]{display:block;width:100%;font:inherit;font-size:1.125rem;padding:12px;border:2px solid #7b8794;border-radius:6px;background:#fff;color:inherit}
input.code{letter-spacing:.4em;font-family:Menlo,Consolas,monospace;font-size:1.5rem;max-width:14ch}
input[aria-invalid=true]{border-color:#b42318}
button,.button{display:inline-block;font:inherit;font-weight:600;font-size:1rem;min-height:48px;padding:12px 20px;margin:16px 0 0;border:0;border-radius:6px;background:#0b6bcb;color:#fff;text-decoration:none;cursor:pointer}
button.secondary{background:#fff;color:#0b6bcb;border:2px solid #0b6bcb}
a{color:#0b5cad}
:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.error{border-left:4px solid #b42318;background:#fdecea;padding:12px;border-radius:4px;margin:0 0 16px}
.notice{border-left:4px solid #0b6bcb;background:#e8f1fb;padding:12px;border-radius:4px;margin:0 0 16px}
.small{font-size:.9rem;color:#52606d}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;padding:8px;border-bottom:1px solid #e4e7eb;vertical-align:top}
pre{white-space:pre-wrap;word-break:break-word;background:#fff;padding:12px;border-radius:6px;border:1px solid #e4e7eb}
iframe.mail{width:100%;min-height:480px;border:1px solid #e4e7eb;border-radius:6px;background:#fff}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0 0 16px}
dt{font-weight:600}dd{margin:0;word-break:break-word}
@media (prefers-reduced-motion:no-preference){button,.button{transition:background .15s}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f6f8}
a{color:#0a58a8}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #0a58a8;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.top{background:#13344f;color:#fff;padding:.75rem 1rem;display:flex;align-items:center;justify-content:space-between;gap:.75rem}
.firm{margin:0;font-weight:600;overflow-wrap:anywhere}
.sign-out button{margin:0;width:auto;background:transparent;border:1px solid #fff;padding:.5rem .75rem}
main{padding:1rem;max-width:44rem;margin:0 auto}
h1{font-size:1.4rem;line-height:1.25;margin:.25rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:0 0 .25rem;overflow-wrap:anywhere}
.notice{background:#e3f4e8;border-left:4px solid #1d7a3a;padding:.75rem;margin:0 0 1rem}
.problem{background:#fdecea;border-left:4px solid #b3261e;padding:.75rem;margin:0 0 1rem}
.tabs{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:0 0 1rem}
.tabs a{display:inline-block;padding:.5rem .75rem;border-radius:1rem;background:#fff;border:1px solid #c4ccd4;text-decoration:none;min-height:44px}
.tabs a[aria-current=page]{background:#13344f;color:#fff;border-color:#13344f}
.questions{list-style:none;padding:0;margin:0}
.q{background:#fff;border:1px solid #d5dbe1;border-radius:.5rem;padding:.75rem;margin:0 0 .75rem}
.q .amount{white-space:nowrap}
.facts{display:grid;grid-template-columns:auto 1fr;gap:.125rem .75rem;margin:.25rem 0;font-size:.95rem}
.facts dt{color:#4a5560}
.facts dd{margin:0;overflow-wrap:anywhere}
.ask{margin:.5rem 0;padding:.5rem;background:#eef3f8;border-radius:.25rem;overflow-wrap:anywhere;white-space:pre-line}
.pick{display:flex;align-items:center;gap:.5rem;min-height:44px}
.pick input{width:1.5rem;height:1.5rem}
.status{display:inline-block;font-size:.85rem;padding:0 .5rem;border-radius:.75rem;background:#e8ebef}
.together,.answer{background:#fff;border:2px solid #13344f;border-radius:.5rem;padding:.75rem;margin:1rem 0}
legend{font-weight:600;padding:0 .25rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
textarea,select,input[type=file]{width:100%;font:inherit;padding:.5rem;border:1px solid #6b7680;border-radius:.25rem;background:#fff}
textarea{min-height:5rem}
.hint{font-size:.9rem;color:#4a5560;margin:.25rem 0}
button{font:inherit;font-weight:600;margin-top:1rem;padding:.75rem 1rem;min-height:44px;width:100%;border:0;border-radius:.375rem;background:#0a58a8;color:#fff;cursor:pointer}
.pages{display:flex;justify-content:space-between;gap:1rem;margin:1rem 0}
.pages a{padding:.5rem 0}
.conversation{list-style:none;padding:0}
.conversation li{background:#fff;border:1px solid #d5dbe1;border-radius:.5rem;padding:.5rem .75rem;margin:0 0 .5rem}
.conversation p{margin:.25rem 0 0;white-space:pre-line;overflow-wrap:anywhere}
.who{font-size:.9rem;color:#4a5560}
.files a{overflow-wrap:anywhere}
.foot{padding:1rem;text-align:center;font-size:.9rem;color:#4a5560}
@media (min-width:40rem){button{width:auto}}
`;
