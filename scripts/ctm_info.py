"""CTM run information for the GEOS-Chem backend: no calibration, the configured background (rule ctm_info)."""

import json

from exportpm.io.atomic import atomic_output


def main(smk) -> None:
    with atomic_output(smk.output.calibration) as tmp:
        tmp.write_text(
            json.dumps(
                {"backend": "geoschem", "background_ugm3": smk.params.background, "mixing_height_scale": None}, indent=2
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
