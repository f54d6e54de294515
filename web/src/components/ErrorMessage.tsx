// An API error shown as the API said it (query syntax errors keep their caret line), never a blank page.
export function ErrorMessage({ error, title }: { error: Error | string; title?: string }) {
  const text = typeof error === "string" ? error : error.message;
  return (
    <div class="error" role="alert">
      {title && <strong>{title}</strong>}
      <pre>{text}</pre>
    </div>
  );
}
