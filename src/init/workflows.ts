/**
 * The GitHub Actions workflows `kafkaform init` writes into a team's repository: plan on a pull
 * request (one comment kept up to date), deploy on main, drift on a schedule. They are the
 * repository's own .github/workflows with the kafkaform version pinned: each checks that
 * package-lock.json installs the version that wrote it, and runs it with `npx --no-install`, so a
 * workflow never fetches some other kafkaform. Content only; src/init/write-files.ts writes it.
 */

/** Where the cluster is and how to log in: repository variables and secrets. */
const CONNECTION_ENV = `  KAFKAFORM_BOOTSTRAP_SERVERS: \${{ vars.KAFKAFORM_BOOTSTRAP_SERVERS }}
  KAFKAFORM_SASL_MECHANISM: \${{ vars.KAFKAFORM_SASL_MECHANISM }}
  KAFKAFORM_SASL_USERNAME: \${{ vars.KAFKAFORM_SASL_USERNAME }}
  KAFKAFORM_SASL_PASSWORD: \${{ secrets.KAFKAFORM_SASL_PASSWORD }}
`;

/** Shared Terraform state, so a plan compares with what main deployed. */
const STATE_ENV = `  KAFKAFORM_BACKEND: \${{ vars.KAFKAFORM_BACKEND }}
  KAFKAFORM_BACKEND_CONFIG: \${{ vars.KAFKAFORM_BACKEND_CONFIG }}
  AWS_ACCESS_KEY_ID: \${{ secrets.AWS_ACCESS_KEY_ID }}
  AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
`;

function pinnedEnv(version: string): string {
  return `  NO_COLOR: "1"
  # The kafkaform this workflow was written for; package-lock.json must install the same one.
  KAFKAFORM_VERSION: "${version}"
`;
}

/** Checkout, Node with the npm cache, terraform when the job runs it, and the pinned kafkaform from package-lock.json. */
function setupSteps(version: string, opts: { terraform: boolean }): string {
  return `      - uses: actions/checkout@v4

      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm

${opts.terraform ? `      - uses: hashicorp/setup-terraform@v3
        with:
          terraform_wrapper: false

` : ''}      - name: Install kafkaform ${version} from package-lock.json
        run: |
          npm ci
          installed="$(npx --no-install kafkaform --version)"
          if [ "$installed" != "$KAFKAFORM_VERSION" ]; then
            echo "::error::package-lock.json installs kafkaform $installed, this workflow was written for $KAFKAFORM_VERSION: run npx kafkaform init --force and commit the workflows it rewrites"
            exit 1
          fi
`;
}

/** .github/workflows/kafkaform-plan.yml for kafkaform `version`. */
export function renderPlanWorkflow(version: string): string {
  return `# Pull request: validate topics.yaml, run \`kafkaform plan\` against the real cluster and keep ONE
# comment on the PR up to date (found by its hidden marker <!-- kafkaform-plan:ENV -->).
# Written by \`kafkaform init\`; set the repository variables/secrets below.
name: kafkaform plan

on:
  pull_request:
    paths:
      - topics.yaml
      - schemas/**
      - package-lock.json
      - .github/workflows/kafkaform-plan.yml

permissions:
  contents: read
  pull-requests: write

concurrency:
  group: kafkaform-plan-\${{ github.event.pull_request.number }}
  cancel-in-progress: true

env:
  KAFKAFORM_ENV: prod
  # Where the cluster is and how to log in (repository variables and secrets).
${CONNECTION_ENV}  # Shared Terraform state, so the plan compares with what main deployed.
${STATE_ENV}  # In CI terraform downloads Mongey/kafka from the registry (no local provider build).
  KAFKAFORM_PROVIDER_SOURCE: registry
${pinnedEnv(version)}
jobs:
  plan:
    # Skipped until the repository is configured (so a fork or a fresh copy stays green).
    if: vars.KAFKAFORM_BOOTSTRAP_SERVERS != ''
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
${setupSteps(version, { terraform: true })}
      - name: Validate
        run: npx --no-install kafkaform validate --env "$KAFKAFORM_ENV"

      - name: Plan
        id: plan
        # Exit codes: 0 no changes, 2 changes, 1 error (e.g. a deletion policy.allowTopicDeletion forbids).
        run: |
          set +e
          npx --no-install kafkaform plan --env "$KAFKAFORM_ENV" --format markdown --out plan.md --step-summary
          code=$?
          echo "exitcode=$code" >> "$GITHUB_OUTPUT"
          if [ ! -s plan.md ]; then
            printf '<!-- kafkaform-plan:%s -->\\n### kafkaform plan failed\\n\\nSee the job log: %s/%s/actions/runs/%s\\n' \\
              "$KAFKAFORM_ENV" "$GITHUB_SERVER_URL" "$GITHUB_REPOSITORY" "$GITHUB_RUN_ID" > plan.md
          fi
          exit 0

      - name: Post or update the plan comment
        uses: actions/github-script@v7
        with:
          script: |
            const fs = require('fs');
            const body = fs.readFileSync('plan.md', 'utf8');
            const marker = \`<!-- kafkaform-plan:\${process.env.KAFKAFORM_ENV} -->\`;
            const { owner, repo } = context.repo;
            const issue_number = context.issue.number;
            const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
            const mine = comments.find((c) => c.body && c.body.includes(marker));
            if (mine) {
              await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
            } else {
              await github.rest.issues.createComment({ owner, repo, issue_number, body });
            }

      - name: Fail on a blocked plan
        if: steps.plan.outputs.exitcode == '1'
        run: |
          echo "::error::kafkaform plan failed (see the PR comment and the log above)"
          exit 1
`;
}

/** .github/workflows/kafkaform-deploy.yml for kafkaform `version`. */
export function renderDeployWorkflow(version: string): string {
  return `# Merge to main: deploy topics.yaml with \`kafkaform deploy --auto-approve\`. deploy shows the
# risk-labelled plan, refuses destructive changes the policy does not allow, applies, and fails
# if the drift check after apply finds the cluster out of sync.
name: kafkaform deploy

on:
  push:
    branches: [main]
    paths:
      - topics.yaml
      - schemas/**
      - package-lock.json
  workflow_dispatch:

permissions:
  contents: read

# Never two deploys of the same environment at once; a queued one waits.
concurrency:
  group: kafkaform-deploy-prod
  cancel-in-progress: false

env:
  KAFKAFORM_ENV: prod
${CONNECTION_ENV}${STATE_ENV}  KAFKAFORM_PROVIDER_SOURCE: registry
${pinnedEnv(version)}
jobs:
  deploy:
    if: vars.KAFKAFORM_BOOTSTRAP_SERVERS != ''
    runs-on: ubuntu-latest
    timeout-minutes: 30
    # A GitHub environment lets you add required reviewers before production is touched.
    environment: prod
    steps:
${setupSteps(version, { terraform: true })}
      - name: Validate
        run: npx --no-install kafkaform validate --env "$KAFKAFORM_ENV"

      - name: Plan (step summary)
        run: |
          set +e
          npx --no-install kafkaform plan --env "$KAFKAFORM_ENV" --format markdown --out plan.md --step-summary
          code=$?
          # 0 no changes, 2 changes: both fine; 1 = blocked or failed.
          if [ "$code" = "1" ]; then exit 1; fi
          exit 0

      - name: Deploy
        run: npx --no-install kafkaform deploy --env "$KAFKAFORM_ENV" --auto-approve
`;
}

/** .github/workflows/kafkaform-drift.yml for kafkaform `version`. */
export function renderDriftWorkflow(version: string): string {
  return `# On a schedule: compare the live cluster with topics.yaml. When it drifted (exit 2), fail the job
# and open an issue, or update the open one (found by its hidden marker), with the drift report.
name: kafkaform drift

on:
  schedule:
    - cron: "17 6 * * 1-5"
  workflow_dispatch:

permissions:
  contents: read
  issues: write

env:
  KAFKAFORM_ENV: prod
${CONNECTION_ENV}${pinnedEnv(version)}
jobs:
  drift:
    if: vars.KAFKAFORM_BOOTSTRAP_SERVERS != ''
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
${setupSteps(version, { terraform: false })}
      - name: Drift check
        id: drift
        # Exit codes: 0 in sync, 2 drift found, 1 error.
        run: |
          set +e
          npx --no-install kafkaform drift --env "$KAFKAFORM_ENV" --format markdown > drift.md
          code=$?
          echo "exitcode=$code" >> "$GITHUB_OUTPUT"
          cat drift.md >> "$GITHUB_STEP_SUMMARY"
          exit 0

      - name: Open or update the drift issue
        if: steps.drift.outputs.exitcode == '2'
        uses: actions/github-script@v7
        with:
          script: |
            const fs = require('fs');
            const marker = \`<!-- kafkaform-drift:\${process.env.KAFKAFORM_ENV} -->\`;
            const run = \`\${context.serverUrl}/\${context.repo.owner}/\${context.repo.repo}/actions/runs/\${context.runId}\`;
            const body = \`\${marker}\\n\${fs.readFileSync('drift.md', 'utf8')}\\n\\n_Last checked by [this run](\${run})._\`;
            const { owner, repo } = context.repo;
            const open = await github.paginate(github.rest.issues.listForRepo, { owner, repo, state: 'open', labels: 'kafkaform-drift', per_page: 100 });
            const mine = open.find((i) => i.body && i.body.includes(marker));
            if (mine) {
              await github.rest.issues.update({ owner, repo, issue_number: mine.number, body });
            } else {
              await github.rest.issues.create({ owner, repo, title: \`Kafka drift detected (\${process.env.KAFKAFORM_ENV})\`, body, labels: ['kafkaform-drift'] });
            }

      - name: Fail when the cluster drifted or could not be read
        if: steps.drift.outputs.exitcode != '0'
        run: |
          echo "::error::kafkaform drift exited with \${{ steps.drift.outputs.exitcode }} (2 = drift, 1 = error)"
          exit 1
`;
}
