#!/usr/bin/env node
// The `kling` command. Committed (dist/ is not), so installs can link the bin before a build.
import '../dist/cli.js';
