"""Who writes the applicant documents: a city or a county, in the pilot or the demonstration
programme. The skeletons (``wenshu new``) and the command's option choices name them; kept in
a module of their own so that the command line can offer them without reading any catalogue."""

LEVELS = ("city", "county")
PROGRAMMES = ("pilot", "demonstration")
