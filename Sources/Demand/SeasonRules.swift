/// The dates of the seasons that drive FreshFoodz demand, by rule, for any year.
package enum SeasonRules {
  /// Munich's Oktoberfest: it ends on the first Sunday of October, or on 3 October when that
  /// Sunday is the 1st or 2nd, and it starts on the Saturday 15 days before that first Sunday.
  /// 2025: 20 Sep - 5 Oct; 2026: 19 Sep - 4 Oct; 2028: 16 Sep - 3 Oct.
  package static func oktoberfest(_ year: Int) -> ClosedRange<CivilDate> {
    let october1 = CivilDate(year, 10, 1)
    let firstSunday = october1.adding(days: (7 - october1.weekday) % 7)
    let end = firstSunday.day <= 2 ? CivilDate(year, 10, 3) : firstSunday
    return firstSunday.adding(days: -15)...end
  }

  /// Asparagus: from the opening of the harvest (weather dependent; 15 April unless given) to
  /// Johannistag, 24 June ("Spargelsilvester").
  package static func spargel(_ year: Int, opening: CivilDate? = nil) -> ClosedRange<CivilDate> {
    (opening ?? CivilDate(year, 4, 15))...CivilDate(year, 6, 24)
  }

  /// Christmas catering: company parties and seasonal menus, from 20 November (unless given) to
  /// 23 December.
  package static func christmasCatering(_ year: Int, opening: CivilDate? = nil) -> ClosedRange<CivilDate> {
    (opening ?? CivilDate(year, 11, 20))...CivilDate(year, 12, 23)
  }
}
