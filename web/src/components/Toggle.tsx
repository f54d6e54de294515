// A labelled checkbox that switches one setting of a view (log scales, a log stretch).
export function Toggle(props: { name: string; label: string; checked: boolean; onChange: () => void }) {
  return (
    <label>
      <input type="checkbox" name={props.name} checked={props.checked} onChange={props.onChange} />{" "}
      {props.label}
    </label>
  );
}
