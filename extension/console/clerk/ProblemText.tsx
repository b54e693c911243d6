import { useI18n } from '../../i18n/react';
import type { DraftProblem } from './envelope-draft';

/** The form's problems for one place (`at`), next to the input they are about. */
export function ProblemText({ problems, at }: { problems: DraftProblem[]; at: string }) {
  const { t } = useI18n();
  const here = problems.filter((p) => p.at === at);
  if (here.length === 0) return null;
  return (
    <p className="field-error" role="alert" data-testid="problem" data-at={at}>
      {here.map((p) => t(p.message, p.vars)).join(' ')}
    </p>
  );
}
